"""The days a metric looks at: an as-of day, a window that ends on or before it, and periods.

Every boundary is a midnight (UTC) and every interval half-open, ``[start, stop)``: a record
belongs to a window when ``start <= time < stop``. Comparing with ``<`` against a midnight
is also what keeps text-stored timestamps (SQLite) in the right order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from l2o.analytics.forecast import ForecastError, Period, parse_period, period_containing
from l2o.analytics.metrics._errors import MetricsError

__all__ = ["Window", "as_date", "date_of", "midnight", "window_for"]

_EPOCH = date(1970, 1, 1)


def as_date(value: str | date | datetime) -> date:
    """A day from ``YYYY-MM-DD``, a date or a datetime (its UTC day)."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise MetricsError(f"as-of {value!r} is not a date (use YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Window:
    """Days ``start`` to ``end`` (inclusive) seen from ``as_of`` (``end <= as_of``).

    ``label`` names the window in reports (``2025Q3``, or the two days).
    """

    start: date
    end: date
    as_of: date
    label: str
    kind: str = "span"  # "span" (twelve months to the as-of day), "year", "quarter", "month"

    @property
    def since(self) -> datetime:
        """The window's first instant (UTC midnight of ``start``)."""
        return midnight(self.start)

    @property
    def stop(self) -> datetime:
        """The instant after the window (UTC midnight after ``end``)."""
        return midnight(self.end + timedelta(days=1))

    @property
    def cutoff(self) -> datetime:
        """The instant after the as-of day: only what happened before it is known."""
        return midnight(self.as_of + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def periods(self) -> Iterator[Window]:
        """The calendar periods the window touches, clipped to it: quarters of a year or of
        a twelve-month span, months of a quarter; a month is not split."""
        if self.kind == "month":
            yield self
            return
        kind = "month" if self.kind == "quarter" else "quarter"
        period = period_containing(_day_number(self.start), kind)
        while date_of(period.start) <= self.end:
            start = max(self.start, date_of(period.start))
            end = min(self.end, date_of(period.end) - timedelta(days=1))
            yield Window(start, end, self.as_of, period.label, kind)
            period = period.next()

    def period(self) -> Period:
        """The calendar period pipeline coverage looks at: the window's own period, or the
        quarter holding the as-of day for a twelve-month span."""
        if self.kind == "span":
            return period_containing(_day_number(self.end), "quarter")
        return parse_period(self.label)


def window_for(as_of: str | date | datetime, period: str | None = None) -> Window:
    """The window metrics look at: ``period`` (``2025Q3``, ``2025-07`` or ``2025``) cut at
    the as-of day, else the twelve months that end on the as-of day.

    >>> window_for("2025-06-30").start
    datetime.date(2024, 7, 1)
    """
    day = as_date(as_of)
    if period is None:
        start = _year_before(day) + timedelta(days=1)
        return Window(start, day, day, _span_label(start, day))
    try:
        parsed = parse_period(period)
    except ForecastError as exc:
        raise MetricsError(str(exc)) from None
    start = date_of(parsed.start)
    if start > day:
        raise MetricsError(f"period {parsed.label} starts after the as-of day {day}")
    end = min(day, date_of(parsed.end) - timedelta(days=1))
    return Window(start, end, day, parsed.label, parsed.kind)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _span_label(start: date, end: date) -> str:
    return f"{start.isoformat()}..{end.isoformat()}"


def date_of(day_number: float) -> date:
    return _EPOCH + timedelta(days=int(day_number))


def _day_number(day: date) -> float:
    return float((day - _EPOCH).days)
