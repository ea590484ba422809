"""Two workers on one PostgreSQL outbox never send the same message at the same time.

``uow.outbox.due`` locks the row it hands out (FOR UPDATE SKIP LOCKED) until the worker
commits its mark, so the other worker takes the next message. SQLite has one writer and
no row locks: one worker per SQLite store.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from delivery_receiver import Clock, endpoint_config, running_receiver
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.services.delivery import DeliveryAttempt, OutboxDelivery, list_messages
from l2o.store import SqlAlchemyUnitOfWork, engine_for

EVENTS = 12


def test_two_workers_share_the_outbox_without_double_delivery(
    engine: Engine, database_url: str, secret: str, clock: Clock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks (SKIP LOCKED) are PostgreSQL's; SQLite runs one worker")
    with SqlAlchemyUnitOfWork(engine) as uow:
        for n in range(EVENTS):
            uow.publish(
                d.OpportunityClosed(
                    opportunity_id=f"opp-{n}",
                    account_id=None,
                    won=True,
                    closed_at=datetime(2025, 3, 3, tzinfo=UTC),
                )
            )
        uow.commit()
    with running_receiver(secret, delay=0.05) as receiver:
        config = endpoint_config(receiver, secret)
        results: list[list[DeliveryAttempt]] = [[], []]
        start = threading.Barrier(2)

        def work(slot: int) -> None:
            own_engine = engine_for(database_url)
            try:
                start.wait(timeout=10)
                results[slot] = OutboxDelivery(own_engine, config, clock=clock).deliver_due()
            finally:
                own_engine.dispose()

        threads = [threading.Thread(target=work, args=(slot,)) for slot in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)

    handled = [a.message_id for a in results[0] + results[1]]
    assert len(handled) == len(set(handled)) == 2 * EVENTS  # each message handled once
    assert results[0]
    assert results[1]
    ids = receiver.ids()
    assert len(ids) == len(set(ids)) == EVENTS  # each event received exactly once
    assert all(m.status == d.OutboxStatus.DELIVERED for m in list_messages(engine, limit=100))
