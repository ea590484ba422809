"""The outbox: an event is stored with its change, in the same transaction, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.store import SqlAlchemyUnitOfWork

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_an_event_is_stored_with_its_change(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        deal = uow.opportunities.add(d.Opportunity(name="Deal", stage="Discovery"))
        uow.commit()
        change = deal.move_to_stage("Demo", at=T0, by="u-1")
        uow.publish(d.OpportunityStageChanged.of(deal, change))
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        [message] = uow.outbox.list()
        assert uow.opportunities.get(deal.id).stage == "Demo"
    assert message.event_type == "OpportunityStageChanged"
    assert message.payload["to_stage"] == "Demo"
    assert message.payload["changed_at"] == "2025-03-03T09:00:00+00:00"
    assert (message.status, message.attempts) == (d.OutboxStatus.PENDING, 0)


def test_an_event_is_gone_when_its_change_rolls_back(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        deal = uow.opportunities.add(d.Opportunity(name="Deal", stage="Discovery"))
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        loaded = uow.opportunities.get(deal.id)
        change = loaded.move_to_stage("Demo", at=T0)
        uow.publish(d.OpportunityStageChanged.of(loaded, change))
        uow.flush()
        uow.rollback()
        assert uow.outbox.count() == 0
        assert uow.opportunities.get(deal.id).stage == "Discovery"


def test_due_messages_respect_retry_times_and_status(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        fresh = d.OutboxMessage(event_type="A", created_at=T0)
        waiting = d.OutboxMessage(event_type="B", created_at=T0 - timedelta(hours=1))
        waiting.mark_failed("HTTP 503", T0)
        delivered = d.OutboxMessage(event_type="C", created_at=T0 - timedelta(hours=2))
        delivered.mark_delivered(T0)
        for message in (fresh, waiting, delivered):
            uow.outbox.add(message)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert [m.event_type for m in uow.outbox.due(T0)] == ["A"]
        assert [m.event_type for m in uow.outbox.due(T0 + timedelta(minutes=1))] == ["B", "A"]
        assert uow.outbox.get(waiting.id).last_error == "HTTP 503"
