"""Outbox to webhook, for real: a loopback receiver verifies every signature.

Time is a hand-moved clock; nothing sleeps. The receiver listens on 127.0.0.1 only, and
reaching it needs the loopback network allowed explicitly, as a deployment would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from delivery_receiver import Clock, Receiver, endpoint_config, make_secret, running_receiver
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.errors import RecordNotFound
from l2o.services.delivery import (
    DeliveryError,
    OutboxDelivery,
    list_messages,
    queue_webhook,
    replay_message,
)
from l2o.services.delivery_config import DeliveryConfig, WebhookEndpoint
from l2o.services.delivery_events import WebhookDelivery
from l2o.services.delivery_http import WebhookSender
from l2o.store import SqlAlchemyUnitOfWork

CLOSED_AT = datetime(2025, 3, 3, 9, tzinfo=UTC)


def publish_closed(engine: Engine) -> d.OutboxMessage:
    with SqlAlchemyUnitOfWork(engine) as uow:
        message = uow.publish(
            d.OpportunityClosed(
                opportunity_id="opp-1", account_id="acc-1", won=True, closed_at=CLOSED_AT
            )
        )
        uow.commit()
    return message


def outbox(engine: Engine, config: DeliveryConfig, clock: Clock) -> OutboxDelivery:
    return OutboxDelivery(engine, config, clock=clock)


def deliveries(engine: Engine) -> list[d.OutboxMessage]:
    return [m for m in list_messages(engine) if m.event_type == WebhookDelivery.__name__]


def test_an_event_arrives_signed_and_is_marked_delivered(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    event = publish_closed(engine)
    attempts = outbox(engine, endpoint_config(receiver, secret), clock).deliver_due()

    assert [a.outcome for a in attempts] == ["dispatched", "delivered"]
    [call] = receiver.received
    assert call.error is None, call.error
    assert call.path == "/hooks"
    assert call.headers["webhook-id"] == event.id
    assert call.verified == {
        "type": "OpportunityClosed",
        "timestamp": event.created_at.isoformat(),
        "data": event.payload,
    }
    messages = {m.id: m for m in list_messages(engine)}
    assert messages[event.id].status == d.OutboxStatus.DELIVERED
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts) == (d.OutboxStatus.DELIVERED, 1)
    assert delivery.delivered_at == clock.now


def test_each_subscribed_endpoint_gets_its_own_delivery(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    endpoints = (
        WebhookEndpoint(name="all", url=f"{receiver.url}/a", secret=secret, events=("*",)),
        WebhookEndpoint(
            name="deals", url=f"{receiver.url}/b", secret=secret, events=("Opportunity*",)
        ),
        WebhookEndpoint(name="leads", url=f"{receiver.url}/c", secret=secret, events=("Lead*",)),
    )
    config = endpoint_config(receiver, secret, endpoints=endpoints)
    event = publish_closed(engine)
    outbox(engine, config, clock).deliver_due()
    assert sorted(r.path for r in receiver.received) == ["/a", "/b"]
    assert set(receiver.ids()) == {event.id}


def test_failures_retry_on_the_schedule_then_deliver(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    receiver.statuses[:] = [500, 503]
    schedule = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30))
    worker = outbox(engine, endpoint_config(receiver, secret, retry_schedule=schedule), clock)
    publish_closed(engine)
    first = worker.deliver_due()
    assert [a.outcome for a in first] == ["dispatched", "retry"]
    assert first[1].status_code == 500
    assert first[1].next_attempt_at == clock.now + timedelta(seconds=5)

    clock.advance(timedelta(seconds=4))
    assert worker.deliver_due() == []  # not due yet
    clock.advance(timedelta(seconds=1))
    [second] = worker.deliver_due()
    assert (second.outcome, second.status_code) == ("retry", 503)
    assert second.next_attempt_at == clock.now + timedelta(minutes=5)

    clock.advance(timedelta(minutes=5))
    [third] = worker.deliver_due()
    assert third.outcome == "delivered"
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts) == (d.OutboxStatus.DELIVERED, 3)
    assert len(set(receiver.ids())) == 1
    assert len(receiver.received) == 3
    assert all(r.error is None for r in receiver.received)


def test_the_last_failure_makes_the_message_dead_and_replay_sends_it_again(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    receiver.statuses[:] = [500, 500, 500]
    schedule = (timedelta(seconds=5), timedelta(minutes=5))
    worker = outbox(engine, endpoint_config(receiver, secret, retry_schedule=schedule), clock)
    publish_closed(engine)
    outcomes = [a.outcome for a in worker.deliver_due()]
    for delay in schedule:
        clock.advance(delay)
        outcomes += [a.outcome for a in worker.deliver_due()]
    assert outcomes == ["dispatched", "retry", "retry", "dead"]
    [dead] = list_messages(engine, status=d.OutboxStatus.DEAD)
    assert dead.attempts == 3
    assert dead.next_attempt_at is None
    assert dead.last_error is not None
    assert "HTTP 500" in dead.last_error

    clock.advance(timedelta(days=1))
    assert worker.deliver_due() == []  # dead stays dead

    replayed = replay_message(engine, dead.id, at=clock.now)
    assert (replayed.status, replayed.attempts) == (d.OutboxStatus.PENDING, 0)
    [again] = worker.deliver_due()
    assert again.outcome == "delivered"
    assert receiver.ids().count(receiver.ids()[0]) == 4  # the same webhook-id every time

    with pytest.raises(DeliveryError, match="only dead or delivered"):
        replay_message(engine, publish_closed(engine).id)
    with pytest.raises(RecordNotFound):
        replay_message(engine, "no-such-message")


def test_replaying_a_delivered_event_dispatches_it_again(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    worker = outbox(engine, endpoint_config(receiver, secret), clock)
    event = publish_closed(engine)
    worker.deliver_due()
    replay_message(engine, event.id, at=clock.now)
    worker.deliver_due()
    assert receiver.ids() == [event.id, event.id]
    assert len(deliveries(engine)) == 2


class SimulatedCrash(BaseException):
    """The process dies: nothing after this line runs, nothing is committed."""


class CrashAfterSend(WebhookSender):
    def send(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().send(*args, **kwargs)
        raise SimulatedCrash


def test_a_crash_between_send_and_mark_sends_again_never_loses(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    config = endpoint_config(receiver, secret)
    event = publish_closed(engine)
    crashing = OutboxDelivery(engine, config, sender=CrashAfterSend(config), clock=clock)
    assert crashing.deliver_next() is not None  # dispatch: no HTTP
    with pytest.raises(SimulatedCrash):
        crashing.deliver_next()
    assert receiver.ids() == [event.id]  # it was sent...
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts) == (d.OutboxStatus.PENDING, 0)  # ...not marked

    [attempt] = outbox(engine, config, clock).deliver_due()  # a new worker starts
    assert attempt.outcome == "delivered"
    assert receiver.ids() == [event.id, event.id]  # at least once: sent again, same id


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "10.0.0.7", "169.254.169.254"]
)
def test_a_refused_target_is_dead_at_once_without_a_request(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock, host: str
) -> None:
    port = receiver.url.rsplit(":", 1)[1]
    endpoint = WebhookEndpoint(
        name="hooks", url=f"http://{host}:{port}/hooks", secret=secret, events=("*",)
    )
    config = DeliveryConfig(endpoints=(endpoint,), timeout_seconds=2)  # nothing allowed
    publish_closed(engine)
    attempts = outbox(engine, config, clock).deliver_due()
    assert [a.outcome for a in attempts] == ["dispatched", "dead"]
    assert attempts[1].error is not None
    assert "refused target" in attempts[1].error
    assert receiver.received == []


def test_a_redirect_to_a_refused_address_is_not_followed(
    engine: Engine, secret: str, clock: Clock
) -> None:
    with running_receiver(secret) as receiver:
        receiver.redirects["/hooks"] = (307, "http://10.0.0.7/inside")
        publish_closed(engine)
        [_, attempt] = outbox(engine, endpoint_config(receiver, secret), clock).deliver_due()
    assert attempt.outcome == "dead"
    assert attempt.error is not None
    assert "10.0.0.7" in attempt.error
    assert [r.path for r in receiver.received] == ["/hooks"]


def test_a_redirect_that_keeps_the_post_is_followed(
    engine: Engine, secret: str, clock: Clock
) -> None:
    with running_receiver(secret) as receiver:
        receiver.redirects["/hooks"] = (308, "/moved")
        publish_closed(engine)
        [_, attempt] = outbox(engine, endpoint_config(receiver, secret), clock).deliver_due()
    assert attempt.outcome == "delivered"
    assert [r.path for r in receiver.received] == ["/hooks", "/moved"]
    assert receiver.received[1].verified is not None


def test_allow_private_reaches_a_local_receiver(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    config = endpoint_config(receiver, secret, allowed_networks=(), allow_private=True)
    publish_closed(engine)
    assert [a.outcome for a in outbox(engine, config, clock).deliver_due()][-1] == "delivered"


def test_a_webhook_by_url_needs_its_endpoint_configured(
    engine: Engine, receiver: Receiver, secret: str, clock: Clock
) -> None:
    config = endpoint_config(receiver, secret)
    with SqlAlchemyUnitOfWork(engine) as uow:
        known = queue_webhook(uow, url=f"{receiver.url}/hooks", event="deal.won", data={"x": 1})
        unknown = queue_webhook(uow, url="https://elsewhere.example/h", event="deal.won", data={})
        uow.commit()
    attempts = {a.message_id: a for a in outbox(engine, config, clock).deliver_due()}
    assert attempts[known.id].outcome == "delivered"
    assert receiver.received[0].verified == {
        "type": "deal.won",
        "timestamp": known.payload["occurred_at"],
        "data": {"x": 1},
    }
    assert attempts[unknown.id].outcome == "dead"
    assert "no endpoint in the endpoints file" in (attempts[unknown.id].error or "")


def test_a_wrong_secret_is_a_failed_attempt(
    engine: Engine, receiver: Receiver, clock: Clock
) -> None:
    config = endpoint_config(receiver, make_secret())  # the receiver verifies with another
    publish_closed(engine)
    [_, attempt] = outbox(engine, config, clock).deliver_due()
    assert (attempt.outcome, attempt.status_code) == ("retry", 401)
    assert receiver.received[0].error == "No matching signature found"
