"""The audit log: one append-only row per field change on a tracked record."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from l2o.domain.base import JSONValue, Record, new_id, utc_now

__all__ = ["AuditAction", "AuditEntry"]


class AuditAction(StrEnum):
    """What happened to the record: created, a field updated, or deleted."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(kw_only=True, eq=False)
class AuditEntry(Record):
    """Who changed which field of which record, from what to what, when, and through what.

    ``old_value``/``new_value`` are JSON data (money and dates as strings, see
    ``l2o.domain.base.jsonable``); ``field`` is empty for create and delete rows.
    ``source`` is the path the change came through: ``app``, ``api``, ``import:hubspot``...
    """

    # ``dataclasses.field`` spelled out: the record has an attribute called ``field``.
    id: str = dataclasses.field(default_factory=new_id)
    record_type: str
    record_id: str
    action: AuditAction = AuditAction.UPDATE
    field: str | None = None
    old_value: JSONValue = None
    new_value: JSONValue = None
    changed_by: str | None = None
    changed_at: datetime = dataclasses.field(default_factory=utc_now)
    source: str = "app"
