"""What every record shares: string UUID ids, UTC time, money as ``Decimal``, JSON-safe values.

Conventions (the store and every importer rely on them):

- **ids** are strings holding a UUID4 (``new_id()``), made by the code that creates the record,
  so importers and distributed writers never wait on the database for a key.
- **time** is a timezone-aware ``datetime`` in UTC (``utc_now()``); a naive datetime is a bug
  and is refused with ``ValueError`` by ``as_utc``. Calendar days (close date, contract start)
  are plain ``date``.
- **money** is ``decimal.Decimal`` in the record's ``currency``; percentages (discount,
  probability) are ``Decimal`` percent points 0-100, as CRMs show them.
- **identity**: two records are equal when they are the same type with the same id.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = ["JSONValue", "Record", "as_utc", "jsonable", "new_id", "utc_now"]

#: A value that ``json.dumps`` accepts as is.
JSONValue = str | int | float | bool | None | list[Any] | dict[str, Any]


def new_id() -> str:
    """A fresh record id: a UUID version 7 (RFC 9562) as a 36-character string.

    Its first 48 bits are the Unix time in milliseconds and the other 74 free bits random,
    so ids are unique and ordered by creation time: a database appends new ids at the end
    of its primary-key index instead of writing into random pages of it (what makes random
    UUID4 keys slow to insert once a table outgrows the page cache).
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = value & _VERSION_CLEAR | _VERSION_7
    return str(uuid.UUID(int=value))


_VERSION_CLEAR = ~(0xF << 76) & ~(0x3 << 62)
_VERSION_7 = 0x7 << 76 | 0x2 << 62  # version 7, RFC 9562 variant


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the only kind of datetime records hold)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` converted to UTC; a naive datetime is refused because its zone is a guess.

    >>> from datetime import timedelta, timezone
    >>> as_utc(datetime(2025, 1, 1, 9, tzinfo=timezone(timedelta(hours=1)))).hour
    8
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime {value.isoformat()} has no timezone; give it in UTC")
    return value.astimezone(UTC)


def jsonable(value: Any) -> JSONValue:
    """``value`` as plain JSON data: Decimal and dates become strings, enums their value.

    Used for event payloads and audit values, so money keeps every digit (``"1200.50"``,
    never a float) and times keep their zone (ISO 8601 with ``+00:00``).
    """
    if isinstance(value, Enum):  # before str: a StrEnum is also a str
        return jsonable(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    raise TypeError(f"{type(value).__name__} value {value!r} cannot be written as JSON")


class Record:
    """Base of every stored record: identity is the type plus the id, not the field values.

    Subclasses are dataclasses declared with ``eq=False`` so this equality is kept; two
    copies of one opportunity loaded at different times are the same opportunity.
    """

    id: str

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and getattr(other, "id", None) == self.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))

    @classmethod
    def type_name(cls) -> str:
        """The name used for this kind of record in audit rows and errors, e.g. ``Opportunity``."""
        return cls.__name__
