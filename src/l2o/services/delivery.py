"""Delivering the outbox: events become signed webhooks, retried, dead-lettered, replayable.

Every message is handled in its own transaction, in three steps::

    claim   uow.outbox.due(now, limit=1)   the oldest due message; on PostgreSQL its row stays
                                           locked (FOR UPDATE SKIP LOCKED) until the commit, so
                                           a second worker takes another message
    send    WebhookSender.send(...)        the HTTP request, outside any write
    mark    mark_delivered / a failure     then commit

A worker that dies between *send* and *mark* never commits: the row is unlocked, still
pending, and the next worker sends it again. Delivery is therefore **at least once** and never
lost; receivers drop repeats by the ``webhook-id`` header, which stays the same on every
retry and replay.

Two kinds of message pass through:

- a domain event (``OpportunityStageChanged``...) is *dispatched*: one
  :class:`WebhookDelivery` per endpoint that subscribes to its type, in the same transaction
  that marks the event delivered. An event no endpoint subscribes to is marked delivered to
  nobody (replay it after adding an endpoint).
- a :class:`WebhookDelivery` is *sent*. A failed attempt waits for the next delay of the
  retry schedule; after the last one the message is ``dead`` and waits for a person
  (``l2o outbox dead``, ``l2o outbox replay ID``). A refused target or an endpoint missing
  from the configuration is dead at once: retrying cannot help.

Notifications (:class:`NotificationQueued`) wait for the digest timer (``timers``).

>>> # outbox = OutboxDelivery(engine, load_delivery_config("endpoints.yaml"))
>>> # outbox.deliver_due()        # -> [DeliveryAttempt(...), ...]
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.engine import Engine

from l2o import domain
from l2o.domain import OutboxMessage, OutboxStatus, as_utc, new_id, utc_now
from l2o.errors import L2OError
from l2o.services.delivery_config import DeliveryConfig, WebhookEndpoint
from l2o.services.delivery_events import NotificationQueued, WebhookDelivery
from l2o.services.delivery_http import SendResult, WebhookSender
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "DeliveryAttempt",
    "DeliveryError",
    "OutboxDelivery",
    "list_messages",
    "next_digest_at",
    "publish_once",
    "queue_webhook",
    "record_failure",
    "replay_message",
]

WORKER_SOURCE = "worker"
_OUTBOX_KEYS = uuid.UUID("7c3f4a52-8d0e-4f61-9a7b-2b6f0c9e1d35")

Outcome = Literal["delivered", "retry", "dead", "dispatched", "deferred"]


class DeliveryError(L2OError):
    """An outbox operation that cannot be done (e.g. replaying a message still pending)."""


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """What the worker did with one message."""

    message_id: str
    event_type: str
    outcome: Outcome
    endpoint: str | None = None
    status_code: int | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    dispatched: int = 0

    def describe(self) -> str:
        """One line for the worker's log."""
        where = f" -> {self.endpoint}" if self.endpoint else ""
        text = f"{self.message_id} {self.event_type}{where}: {self.outcome}"
        if self.outcome == "dispatched":
            text += f" to {self.dispatched} endpoint(s)"
        if self.error:
            text += f" ({self.error})"
        if self.next_attempt_at is not None:
            text += f", next attempt {self.next_attempt_at.isoformat()}"
        return text


class OutboxDelivery:
    """Delivers due outbox messages with ``config``'s endpoints, one transaction each.

    ``clock`` tells the time for scheduling (tests move it; nothing sleeps), ``sender`` posts
    the webhooks (by default a :class:`WebhookSender` enforcing the target policy).
    """

    def __init__(
        self,
        engine: Engine,
        config: DeliveryConfig,
        *,
        sender: WebhookSender | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.config = config
        self.sender = sender or WebhookSender(config)
        self.clock = clock

    def deliver_due(self, limit: int = 100) -> list[DeliveryAttempt]:
        """Handle due messages one by one until none is due or ``limit`` were handled."""
        attempts: list[DeliveryAttempt] = []
        while len(attempts) < limit:
            attempt = self.deliver_next()
            if attempt is None:
                break
            attempts.append(attempt)
        return attempts

    def deliver_next(self) -> DeliveryAttempt | None:
        """Claim the oldest due message, handle it and commit; ``None`` when none is due."""
        with SqlAlchemyUnitOfWork(self.engine, source=WORKER_SOURCE) as uow:
            claimed = uow.outbox.due(self.clock(), limit=1)
            if not claimed:
                return None
            message = claimed[0]
            if message.event_type == WebhookDelivery.__name__:
                attempt = self._send(message)
            elif message.event_type == NotificationQueued.__name__:
                attempt = self._defer_to_digest(message)
            else:
                attempt = self._dispatch(uow, message)
            uow.commit()
            return attempt

    def _dispatch(self, uow: SqlAlchemyUnitOfWork, message: OutboxMessage) -> DeliveryAttempt:
        endpoints = self.config.subscribers(message.event_type)
        for endpoint in endpoints:
            uow.publish(
                WebhookDelivery(
                    endpoint=endpoint.name,
                    url=None,
                    event_id=message.id,
                    event=message.event_type,
                    occurred_at=message.created_at,
                    data=message.payload,
                )
            )
        message.mark_delivered(self.clock())
        return DeliveryAttempt(
            message.id, message.event_type, "dispatched", dispatched=len(endpoints)
        )

    def _defer_to_digest(self, message: OutboxMessage) -> DeliveryAttempt:
        # Not an attempt: the notification waits, out of the due queue, for its digest.
        message.next_attempt_at = next_digest_at(self.clock(), self.config.digest_every)
        return DeliveryAttempt(
            message.id, message.event_type, "deferred", next_attempt_at=message.next_attempt_at
        )

    def _send(self, message: OutboxMessage) -> DeliveryAttempt:
        delivery = WebhookDelivery.from_payload(message.payload)
        endpoint = self._endpoint_of(delivery)
        if isinstance(endpoint, str):
            result = SendResult(False, error=endpoint, final=True)
            name = delivery.endpoint
        else:
            name = endpoint.name
            result = self.sender.send(
                endpoint.url, endpoint.secret, delivery.event_id, delivery.body()
            )
        now = self.clock()
        if result.delivered:
            message.mark_delivered(now)
            return DeliveryAttempt(
                message.id, delivery.event, "delivered", name, result.status_code
            )
        error = result.error or "failed"
        delay = None if result.final else self.config.retry_delay(message.attempts + 1)
        record_failure(message, error, now, delay)
        return DeliveryAttempt(
            message.id,
            delivery.event,
            "dead" if message.status == OutboxStatus.DEAD else "retry",
            name,
            result.status_code,
            error,
            message.next_attempt_at,
        )

    def _endpoint_of(self, delivery: WebhookDelivery) -> WebhookEndpoint | str:
        """The configured endpoint a delivery goes to, or why there is none."""
        if delivery.endpoint:
            endpoint = self.config.endpoint(delivery.endpoint)
            if endpoint is None:
                return f"endpoint {delivery.endpoint!r} is not in the endpoints file"
        else:
            endpoint = self.config.endpoint_for_url(delivery.url or "")
            if endpoint is None:
                return (
                    f"no endpoint in the endpoints file has the URL {delivery.url}: "
                    "add it there with its secret, then replay"
                )
        if not endpoint.enabled:
            return f"endpoint {endpoint.name!r} is disabled"
        return endpoint


def record_failure(
    message: OutboxMessage, error: str, at: datetime, retry_in: timedelta | None
) -> None:
    """Count a failed attempt: retry after ``retry_in``, or dead when it is ``None``.

    The schedule comes from the endpoints file, not ``OutboxMessage.mark_failed``'s fixed
    doubling, so the fields are set here.
    """
    at = as_utc(at)
    message.attempts += 1
    message.last_error = error[:2000]
    if retry_in is None:
        message.status = OutboxStatus.DEAD
        message.next_attempt_at = None
    else:
        message.next_attempt_at = at + retry_in


def next_digest_at(now: datetime, every: timedelta) -> datetime:
    """The end of the digest period ``now`` falls in (periods are aligned on the epoch)."""
    now = as_utc(now)
    step = every.total_seconds()
    seconds = now.timestamp()
    return datetime.fromtimestamp((seconds // step + 1) * step, tz=now.tzinfo)


def queue_webhook(
    uow: SqlAlchemyUnitOfWork,
    *,
    event: str,
    data: dict[str, Any],
    url: str | None = None,
    endpoint: str | None = None,
    at: datetime | None = None,
) -> OutboxMessage:
    """Queue one webhook to one endpoint (by name) or URL, in the caller's transaction.

    For a workflow's ``send_webhook`` action (``PlannedWebhook``): the URL must also be an
    endpoint in the endpoints file, which holds its secret; until it is, the delivery is dead
    with that reason.
    """
    if (url is None) == (endpoint is None):
        raise ValueError("queue_webhook needs exactly one of url and endpoint")
    return uow.publish(
        WebhookDelivery(
            endpoint=endpoint,
            url=url,
            event_id=new_id(),
            event=event,
            occurred_at=at or utc_now(),
            data=data,
        )
    )


def publish_once(uow: SqlAlchemyUnitOfWork, event: domain.Event, key: str) -> bool:
    """Publish ``event`` unless the event of the same type and ``key`` already is.

    For findings a timer may make again (an SLA breach, a renewal window): the message id is
    derived from the type and key, so the database refuses a second copy even from a worker
    racing this one.
    """
    message_id = str(uuid.uuid5(_OUTBOX_KEYS, f"{event.event_type}:{key}"))
    if uow.outbox.find(message_id) is not None:
        return False
    uow.outbox.add(
        OutboxMessage(id=message_id, event_type=event.event_type, payload=event.to_payload())
    )
    return True


def replay_message(
    engine: Engine, message_id: str, *, at: datetime | None = None, actor: str | None = None
) -> OutboxMessage:
    """Send a dead or delivered message again, with a fresh round of attempts.

    A domain event is dispatched again to every endpoint that subscribes to it now; a
    :class:`WebhookDelivery` goes again to its endpoint, with the same ``webhook-id``.
    """
    with SqlAlchemyUnitOfWork(engine, actor=actor, source=WORKER_SOURCE) as uow:
        message = uow.outbox.get(message_id)
        if message.status == OutboxStatus.PENDING:
            raise DeliveryError(
                f"outbox message {message_id} is still pending (attempt {message.attempts}); "
                "only dead or delivered messages are replayed"
            )
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = as_utc(at or utc_now())
        message.delivered_at = None
        uow.commit()
        return message


def list_messages(
    engine: Engine, *, status: OutboxStatus | None = None, limit: int = 50, offset: int = 0
) -> list[domain.OutboxMessage]:
    """Outbox messages, oldest first, of one ``status`` if given."""
    filters: dict[str, Any] = {} if status is None else {"status": status}
    with SqlAlchemyUnitOfWork(engine, source=WORKER_SOURCE) as uow:
        return uow.outbox.list(limit=limit, offset=offset, **filters)
