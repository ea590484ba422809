"""Forecast periods (quarters, months, years) as day numbers, and week N inside them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from l2o.analytics.forecast._errors import ForecastError

__all__ = [
    "Period",
    "day_number",
    "parse_period",
    "past_periods",
    "period_containing",
    "same_point",
]

_PATTERN = re.compile(r"^(\d{4})(?:(Q)([1-4])|-(\d{2}))?$")


def day_number(value: str | date | datetime | float) -> float:
    """Days since 1970-01-01 (UTC) for a date, a timestamp or an ISO string; floats pass."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None).isoformat()
    elif isinstance(value, date):
        value = value.isoformat()
    try:
        stamp = np.datetime64(str(value).rstrip("Z"), "s")
    except ValueError as exc:
        raise ForecastError(f"{value!r} is not a date (use YYYY-MM-DD)") from exc
    return float(stamp.astype(np.int64)) / 86400.0


@dataclass(frozen=True)
class Period:
    """A bookings period: ``start`` inclusive, ``end`` exclusive, in day numbers.

    >>> parse_period("2025Q3").label
    '2025Q3'
    """

    label: str
    kind: str  # "quarter", "month" or "year"
    year: int
    index: int  # quarter 1-4, month 1-12, or 1 for a year

    @property
    def start(self) -> float:
        return day_number(f"{self.year}-{self._first_month():02d}-01")

    @property
    def end(self) -> float:
        return self.next().start

    @property
    def season(self) -> int:
        """Position in the year (quarter or month number) that seasonality is keyed on."""
        return self.index

    @property
    def per_year(self) -> int:
        return {"quarter": 4, "month": 12, "year": 1}[self.kind]

    def week(self, n: int) -> float:
        """The as-of day at the end of week ``n`` of the period (week 0 is its first day)."""
        return self.start + 7.0 * n

    def next(self) -> Period:
        return self._shift(1)

    def previous(self) -> Period:
        return self._shift(-1)

    def _first_month(self) -> int:
        return {"quarter": 3 * (self.index - 1) + 1, "month": self.index, "year": 1}[self.kind]

    def _shift(self, step: int) -> Period:
        per = self.per_year
        serial = self.year * per + (self.index - 1) + step
        year, index = divmod(serial, per)
        return _make(self.kind, year, index + 1)


def _make(kind: str, year: int, index: int) -> Period:
    label = {"quarter": f"{year}Q{index}", "month": f"{year}-{index:02d}", "year": f"{year}"}[kind]
    return Period(label, kind, year, index)


def parse_period(text: str) -> Period:
    """``2025Q3`` (a quarter), ``2025-07`` (a month) or ``2025`` (a year)."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ForecastError(f"period {text!r}: use 2025Q3, 2025-07 or 2025")
    year = int(match.group(1))
    if match.group(2):
        return _make("quarter", year, int(match.group(3)))
    if match.group(4):
        month = int(match.group(4))
        if not 1 <= month <= 12:
            raise ForecastError(f"period {text!r}: month must be 01-12")
        return _make("month", year, month)
    return _make("year", year, 1)


def period_containing(day: float, kind: str) -> Period:
    """The period of ``kind`` that holds day number ``day``."""
    stamp = np.datetime64(int(day), "D").astype(object)
    index = {"quarter": (stamp.month - 1) // 3 + 1, "month": stamp.month, "year": 1}[kind]
    return _make(kind, stamp.year, index)


def past_periods(day: float, period: Period, first: float) -> Iterator[Period]:
    """The full periods of ``period``'s kind before it, newest first, that a forecast made on
    ``day`` may learn from: each ended by the end of the as-of day (a time of day does not
    hide the period that ended that night; a period still running is skipped, not the end of
    the search) and began on or after the day of the first deal ``first``."""
    last = float(np.floor(day)) + 1.0  # the end of the as-of day
    earliest = float(np.floor(first))
    past = period.previous()
    while past.end > last:
        past = past.previous()
    while past.start >= earliest:
        yield past
        past = past.previous()


def same_point(day: float, period: Period, past: Period) -> float:
    """The moment in ``past`` at the same point as ``day`` is in ``period``: as many days
    from its start, but no later than the same time of its last day - so the last day of a
    92-day quarter falls on the last day of a 91-day one, not after it ended. A ``day``
    before ``period`` starts stands as far before ``past`` starts."""
    time_of_day = day - float(np.floor(day))
    return min(past.start + (day - period.start), past.end - 1.0 + time_of_day)
