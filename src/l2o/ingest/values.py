"""Reading one raw text cell as a typed value: text, numbers, booleans, dates, timestamps.

Pure functions, each raising ``RowProblem`` with a rule name when the cell cannot be read.
Dates and timestamps are read with *explicit* formats (a source says which it writes), never
guessed day-first or month-first; ISO 8601 is always accepted.

>>> parse_timestamp("2024-03-31T14:05:00Z", ())
datetime.datetime(2024, 3, 31, 14, 5, tzinfo=datetime.timezone.utc)
>>> parse_date("31/03/2024", ("%d/%m/%Y",))
datetime.date(2024, 3, 31)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from l2o.ingest.problems import RowProblem

__all__ = [
    "check_text",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_float",
    "parse_int",
    "parse_timestamp",
]

# A spreadsheet runs a cell starting with these as a formula (=HYPERLINK(...), @SUM(...),
# +cmd|..., -2+3+cmd|...). A sign followed only by digits, spaces and phone punctuation is a
# number or a phone number.
_FORMULA = re.compile(r"[=@\t\r]|[+\-](?![\d\s().\-/]*$)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSAFE = re.compile(r"^[=@\t\r+\-]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def check_text(value: str, field: str, max_length: int | None = None) -> str:
    """``value`` if it is safe text to keep: no formula, no control characters, not too long.

    A formula-looking cell (``=HYPERLINK("http://x", "click")``) is refused (rule
    ``formula_injection``) rather than stored, because exports of the store open in
    spreadsheets. Undecodable bytes (rule ``encoding``) and control characters are refused.
    """
    if _UNSAFE.search(value):  # one scan for the common case: nothing wrong
        if _FORMULA.match(value):
            raise RowProblem(
                field,
                "formula_injection",
                f"{value[:60]!r} would run as a spreadsheet formula; remove the leading "
                f"{value[0]!r} or quote the text",
            )
        if _CONTROL.search(value):
            raise RowProblem(field, "control_characters", "the text holds control characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise RowProblem(
                field, "encoding", "the text holds bytes that are not valid in the file's encoding"
            ) from None
    if max_length is not None and len(value) > max_length:
        raise RowProblem(
            field, "too_long", f"{len(value):,} characters, at most {max_length:,} fit"
        )
    return value


def parse_bool(value: str, field: str) -> bool:
    """``true``/``false`` (also ``yes``/``no``, ``1``/``0``, any case). Rule ``invalid_boolean``."""
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise RowProblem(field, "invalid_boolean", f"{value[:60]!r} is not true or false")


def parse_int(value: str, field: str) -> int:
    """A whole number (``"1,200"`` and ``"12.0"`` accepted). Rule ``invalid_number``."""
    text = value.strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowProblem(field, "invalid_number", f"{value[:60]!r} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise RowProblem(field, "invalid_number", f"{value[:60]!r} is not a whole number")
    if abs(number) >= 2**31:
        raise RowProblem(field, "out_of_range", f"{value[:60]!r} is too large")
    return int(number)


def parse_float(value: str, field: str) -> float:
    """A finite decimal number as ``float`` (scores, ratios). Rule ``invalid_number``."""
    try:
        number = float(value.strip())
    except ValueError:
        raise RowProblem(field, "invalid_number", f"{value[:60]!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowProblem(field, "invalid_number", f"{value[:60]!r} is not a finite number")
    return number


def parse_decimal(value: str, field: str, scale: int, max_digits: int = 18) -> Decimal:
    """An exact decimal rounded to ``scale`` places, within ``max_digits`` significant digits."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise RowProblem(field, "invalid_number", f"{value[:60]!r} is not a number") from None
    if not number.is_finite():
        raise RowProblem(field, "invalid_number", f"{value[:60]!r} is not a finite number")
    if number.adjusted() >= max_digits - scale:
        raise RowProblem(field, "out_of_range", f"{value[:60]!r} is too large to store")
    number = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    if number.adjusted() >= max_digits - scale:  # 9999.995 rounds up a digit
        raise RowProblem(field, "out_of_range", f"{value[:60]!r} is too large to store")
    return number


def parse_timestamp(value: str, formats: Sequence[str], field: str = "timestamp") -> datetime:
    """An aware UTC ``datetime`` from ISO 8601 or one of ``formats`` (``strptime`` codes).

    A time without a zone is read as UTC, which is what CRM exports write (documented per
    source). Rule ``invalid_timestamp``.
    """
    text = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for fmt in formats:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        expected = ", ".join(("ISO 8601", *formats))
        raise RowProblem(field, "invalid_timestamp", f"{value[:60]!r} is not a time in {expected}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(value: str, formats: Sequence[str], field: str = "date") -> date:
    """A calendar day from ISO 8601 (a midnight timestamp too) or one of ``formats``."""
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None and moment.time() == datetime.min.time():
        return moment.date()
    expected = ", ".join(("ISO 8601 (YYYY-MM-DD)", *formats))
    raise RowProblem(field, "invalid_date", f"{value[:60]!r} is not a date in {expected}")
