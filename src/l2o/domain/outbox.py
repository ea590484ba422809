"""The outbox: events waiting to be delivered (webhooks, notifications) after their commit.

An event is written as an ``OutboxMessage`` in the same transaction as the change it
describes, so it exists if and only if the change does; a worker delivers it later and
records each attempt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from l2o.domain.base import Record, as_utc, new_id, utc_now

__all__ = ["OutboxMessage", "OutboxStatus"]


class OutboxStatus(StrEnum):
    """Pending until delivered; ``dead`` after too many failed attempts (needs a person)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass(kw_only=True, eq=False)
class OutboxMessage(Record):
    """One event to deliver: its type (``OpportunityStageChanged``) and JSON payload."""

    MAX_ATTEMPTS = 8
    FIRST_RETRY = timedelta(seconds=30)

    id: str = field(default_factory=new_id)
    event_type: str
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utc_now)
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None

    def is_due(self, now: datetime) -> bool:
        """Pending and not waiting out a retry delay at ``now``."""
        return self.status == OutboxStatus.PENDING and (
            self.next_attempt_at is None or self.next_attempt_at <= as_utc(now)
        )

    def mark_delivered(self, at: datetime) -> None:
        """Record a successful delivery."""
        self.attempts += 1
        self.status = OutboxStatus.DELIVERED
        self.delivered_at = as_utc(at)
        self.next_attempt_at = None
        self.last_error = None

    def mark_failed(self, error: str, at: datetime) -> None:
        """Record a failed attempt; retry after 30 s, 1 min, 2 min... then give up (``dead``)."""
        self.attempts += 1
        self.last_error = error
        if self.attempts >= self.MAX_ATTEMPTS:
            self.status = OutboxStatus.DEAD
            self.next_attempt_at = None
            return
        self.next_attempt_at = as_utc(at) + self.FIRST_RETRY * 2 ** (self.attempts - 1)
