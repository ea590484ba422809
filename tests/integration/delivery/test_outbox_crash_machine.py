"""Property: outbox events are delivered at least once and never lost, whatever happens.

A state machine interleaves events committed to the outbox, workers delivering them to a
loopback receiver (verifying every signature), receivers answering 500, the clock moving,
and workers dying mid-delivery - after the claim and before the HTTP request, or after the
request and before the mark - on SQLite and PostgreSQL. After every step: nothing is marked
delivered that the receiver did not get, and nothing is dead (failures stay under the retry
schedule). At the end, once workers run undisturbed, every event has reached the receiver.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from delivery_receiver import Clock, Receiver, endpoint_config, make_secret, running_receiver
from fresh_stores import fresh_stores
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.services.delivery import OutboxDelivery, list_messages
from l2o.services.delivery_config import DeliveryConfig
from l2o.services.delivery_events import WebhookDelivery
from l2o.services.delivery_http import WebhookSender
from l2o.store import SqlAlchemyUnitOfWork

#: Failing answers per run: fewer than the attempts a message gets, so none may die.
MAX_FAILURES = 5


class WorkerDied(BaseException):
    """The worker process dies here: nothing after it runs, nothing is committed."""


class DiesBeforeSend(WebhookSender):
    """A worker killed after claiming a message and before posting it."""

    def send(self, *args: Any, **kwargs: Any) -> Any:
        raise WorkerDied


class DiesAfterSend(WebhookSender):
    """A worker killed after the receiver got the webhook and before marking it delivered."""

    def send(self, *args: Any, **kwargs: Any) -> Any:
        super().send(*args, **kwargs)
        raise WorkerDied


class OutboxMachine(RuleBasedStateMachine):
    """Events, deliveries, failures and crashes in any order; the outbox loses nothing."""

    store: Callable[[], Engine]
    receiver: Receiver
    secret: str

    def __init__(self) -> None:
        super().__init__()
        self.engine = self.store()
        self.clock = Clock(datetime.now(UTC))
        self.config: DeliveryConfig = endpoint_config(self.receiver, self.secret)
        self.events: list[str] = []
        self.failures = 0

    def teardown(self) -> None:
        self.engine.dispose()

    def _worker(self, sender: WebhookSender | None = None) -> OutboxDelivery:
        return OutboxDelivery(self.engine, self.config, sender=sender, clock=self.clock)

    def _received(self) -> set[str]:
        return {r.headers.get("webhook-id", "") for r in self.receiver.received}

    @rule(count=st.integers(1, 3))
    def commit_events(self, count: int) -> None:
        with SqlAlchemyUnitOfWork(self.engine) as uow:
            for _ in range(count):
                message = uow.publish(
                    d.OpportunityClosed(
                        opportunity_id=str(uuid.uuid4()),
                        account_id=None,
                        won=True,
                        closed_at=self.clock.now,
                    )
                )
                self.events.append(message.id)
            uow.commit()

    @rule(limit=st.integers(1, 4))
    def a_worker_delivers(self, limit: int) -> None:
        self._worker().deliver_due(limit=limit)

    @rule(sender=st.sampled_from([DiesBeforeSend, DiesAfterSend]))
    def a_worker_dies_mid_delivery(self, sender: type[WebhookSender]) -> None:
        worker = self._worker(sender(self.config))
        with contextlib.suppress(WorkerDied):
            worker.deliver_due(limit=3)

    @rule(count=st.integers(1, 2))
    def the_receiver_fails(self, count: int) -> None:
        count = min(count, MAX_FAILURES - self.failures)
        self.failures += count
        with self.receiver.lock:
            self.receiver.statuses.extend([500] * count)

    @rule(minutes=st.sampled_from([0, 1, 10, 120]))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @invariant()
    def nothing_delivered_unreceived_and_nothing_dead(self) -> None:
        received = self._received()
        for message in list_messages(self.engine, limit=10_000):
            assert message.status != d.OutboxStatus.DEAD, message.last_error
            if message.event_type == WebhookDelivery.__name__ and (
                message.status == d.OutboxStatus.DELIVERED
            ):
                assert message.payload["event_id"] in received

    def check_every_event_arrives(self) -> None:
        """Workers running undisturbed deliver every event at least once."""
        with self.receiver.lock:
            self.receiver.statuses.clear()
        for _ in range(20):
            self.clock.advance(timedelta(hours=12))
            if not self._worker().deliver_due(limit=1_000):
                break
        assert set(self.events) <= self._received()
        pending = [
            m
            for m in list_messages(self.engine, limit=10_000)
            if m.status != d.OutboxStatus.DELIVERED
        ]
        assert pending == []


class _Checked(OutboxMachine):
    def teardown(self) -> None:
        try:
            self.check_every_event_arrives()
        finally:
            super().teardown()


@pytest.mark.slow
def test_outbox_events_survive_worker_crashes(database_url: str, tmp_path: Path) -> None:
    stores = fresh_stores(database_url, tmp_path, "outbox")
    secret = make_secret()
    with running_receiver(secret, max_requests=100_000) as receiver:
        _Checked.store = staticmethod(lambda: next(stores))  # type: ignore[assignment]
        _Checked.receiver = receiver
        _Checked.secret = secret
        run_state_machine_as_test(
            _Checked,
            settings=settings(
                max_examples=int(os.environ.get("L2O_MACHINE_EXAMPLES", "12")),
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
