"""Actions as data: what workflows and lifecycle rules ask for, for the worker to carry out.

The engine never creates a task or sends a message; it returns these small records and the
services and worker do the rest, in a transaction, with an audit row and an outbox event.
``assignee``/``to`` entries are either ``owner`` resolved to a user id (``user:<id>``) or a
role id (``role:<id>``), so the reader sees who will get it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from l2o.spec.conditions import Scalar

__all__ = [
    "PlannedAction",
    "PlannedEnrolment",
    "PlannedFieldUpdate",
    "PlannedNotification",
    "PlannedTask",
    "PlannedWebhook",
    "recipient",
]


def recipient(name: str, owner_id: str | None) -> str:
    """``owner`` as ``user:<owner id>`` (``owner:unassigned`` without one), a role ``role:<id>``."""
    if name == "owner":
        return f"user:{owner_id}" if owner_id else "owner:unassigned"
    return f"role:{name}"


@dataclass(frozen=True, slots=True)
class PlannedTask:
    """A task to create: title, who gets it, when it is due, and the record it is about."""

    source: str
    title: str
    assignee: str
    due_on: date
    record_type: str
    record_id: str
    kind: Literal["create_task"] = "create_task"


@dataclass(frozen=True, slots=True)
class PlannedNotification:
    """A message to send on a channel to users and roles, about a record."""

    source: str
    to: tuple[str, ...]
    channel: str
    message: str
    record_type: str
    record_id: str
    kind: Literal["notify"] = "notify"


@dataclass(frozen=True, slots=True)
class PlannedFieldUpdate:
    """A field of the triggering record to set (``None`` clears it)."""

    source: str
    record_type: str
    record_id: str
    field: str
    value: Scalar | None
    kind: Literal["update_field"] = "update_field"


@dataclass(frozen=True, slots=True)
class PlannedEnrolment:
    """A record to enrol in a nurture sequence."""

    source: str
    sequence: str
    record_type: str
    record_id: str
    kind: Literal["enrol_sequence"] = "enrol_sequence"


@dataclass(frozen=True, slots=True)
class PlannedWebhook:
    """A signed event to post to an endpoint (through the outbox)."""

    source: str
    url: str
    event: str
    record_type: str
    record_id: str
    kind: Literal["send_webhook"] = "send_webhook"


PlannedAction = (
    PlannedTask | PlannedNotification | PlannedFieldUpdate | PlannedEnrolment | PlannedWebhook
)
"""Any action the engine can plan."""
