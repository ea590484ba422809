"""Tasks: follow-ups people (or the workflow engine) owe on a record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from l2o.domain.base import Record, as_utc, new_id, utc_now

__all__ = ["Task", "TaskStatus"]


class TaskStatus(StrEnum):
    """Open until done or cancelled."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(kw_only=True, eq=False)
class Task(Record):
    """A to-do for an owner, about a related record named by type and id.

    ``related_type`` is a record type name (``Lead``, ``Opportunity``...), ``related_id`` its id.
    """

    id: str = field(default_factory=new_id)
    subject: str
    owner_id: str | None = None
    due_date: date | None = None
    status: TaskStatus = TaskStatus.OPEN
    priority: str = "normal"
    related_type: str | None = None
    related_id: str | None = None
    description: str | None = None
    created_at: datetime = field(default_factory=utc_now)
    completed_at: datetime | None = None
    source_system: str | None = None
    source_id: str | None = None

    def complete(self, at: datetime) -> None:
        """Mark the task done at ``at``."""
        if self.status != TaskStatus.OPEN:
            raise ValueError(f"Task {self.id} is already {self.status}")
        self.status = TaskStatus.COMPLETED
        self.completed_at = as_utc(at)

    def is_overdue(self, today: date) -> bool:
        """Open and past its due date."""
        return (
            self.status == TaskStatus.OPEN and self.due_date is not None and today > self.due_date
        )
