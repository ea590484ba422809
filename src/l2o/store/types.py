"""Column types that behave the same on SQLite and PostgreSQL.

- ``UTCDateTime``: timezone-aware UTC datetimes in and out. PostgreSQL stores
  ``timestamptz``; SQLite has no zones, so the value is stored as UTC and given its zone back
  on the way out. A naive datetime is refused rather than guessed.
- ``Money`` / ``Percent`` / ``Quantity``: ``Numeric`` returning ``Decimal`` at a fixed scale.
  PostgreSQL keeps them exactly; SQLite keeps up to 15 significant digits exactly (amounts
  below ten trillion with cents), which is why no money column needs more.
- ``TextEnum``: a ``StrEnum`` stored as its text value and read back as the enum, so adding
  a value needs no schema change (the domain validates, not a database enum).
- ``JSONData``: dicts and lists as JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["JSONData", "Money", "Percent", "Quantity", "TextEnum", "UTCDateTime"]


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC ``datetime`` on every backend."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"datetime {value.isoformat()} has no timezone; give it in UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite compares datetimes as text: store them all as naive UTC so order holds.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def Money() -> sa.Numeric[Decimal]:  # noqa: N802 - reads as a type in table definitions
    """An amount of money: 18 digits, 2 after the point."""
    return sa.Numeric(18, 2, asdecimal=True)


def Percent() -> sa.Numeric[Decimal]:  # noqa: N802
    """Percent points 0-100 with four decimals (12.5% discount is ``12.5000``)."""
    return sa.Numeric(9, 4, asdecimal=True)


def Quantity() -> sa.Numeric[Decimal]:  # noqa: N802
    """A count that may be fractional (seats, usage units): 18 digits, 4 after the point."""
    return sa.Numeric(18, 4, asdecimal=True)


class TextEnum(TypeDecorator[StrEnum]):
    """A ``StrEnum`` stored as text (up to 32 characters) and read back as the enum."""

    impl = sa.String(32)
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # Validates plain strings too: an unknown value fails here, naming the enum.
        return str(self.enum_class(value).value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum_class(value)


JSONData = sa.JSON
