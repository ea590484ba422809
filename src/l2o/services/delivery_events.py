"""The events the worker and its timers publish to the outbox.

They are events like ``OpportunityStageChanged`` (frozen dataclasses, past tense,
``uow.publish(event)``) but about delivery itself, so they live with it; what the timers find
(``LeadSlaBreached``, ``OpportunityStalled``, ``RenewalWindowReached``) are facts of the
revenue domain and live in :mod:`l2o.domain.events`.

- :class:`WebhookDelivery` - one event on its way to one endpoint (its own retries and dead
  letter, so one failing receiver never holds up or repeats the others).
- :class:`NotificationQueued` / :class:`NotificationDigest` - a workflow's ``notify`` action,
  then the digest that batches a recipient's notifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from l2o.domain import Event
from l2o.engine import PlannedNotification

__all__ = ["NotificationDigest", "NotificationQueued", "WebhookDelivery"]


@dataclass(frozen=True, kw_only=True)
class WebhookDelivery(Event):
    """An event to post to one endpoint: named from the endpoints file, or by URL.

    ``event_id`` becomes the ``webhook-id`` header: the same for every retry and replay, so a
    receiver can drop a repeat.
    """

    endpoint: str | None
    url: str | None
    event_id: str
    event: str
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """What the receiver gets, in the Standard Webhooks shape: type, timestamp, data."""
        return {
            "type": self.event,
            "timestamp": self.to_payload()["occurred_at"],
            "data": self.data,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> WebhookDelivery:
        """The delivery stored in an outbox message's payload."""
        return cls(
            endpoint=payload.get("endpoint"),
            url=payload.get("url"),
            event_id=str(payload["event_id"]),
            event=str(payload["event"]),
            occurred_at=datetime.fromisoformat(str(payload["occurred_at"])),
            data=dict(payload.get("data") or {}),
        )


@dataclass(frozen=True, kw_only=True)
class NotificationQueued(Event):
    """A notification a workflow planned; it waits for the recipients' next digest."""

    source: str
    to: tuple[str, ...]
    channel: str
    message: str
    record_type: str
    record_id: str

    @classmethod
    def of(cls, planned: PlannedNotification) -> NotificationQueued:
        """The event for a notification the engine planned."""
        return cls(
            source=planned.source,
            to=tuple(planned.to),
            channel=planned.channel,
            message=planned.message,
            record_type=planned.record_type,
            record_id=planned.record_id,
        )


@dataclass(frozen=True, kw_only=True)
class NotificationDigest(Event):
    """The notifications for one recipient on one channel, batched (oldest first)."""

    recipient: str
    channel: str
    sent_at: datetime
    notifications: tuple[dict[str, Any], ...]
