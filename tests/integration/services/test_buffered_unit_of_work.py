"""The batch's unit of work commits with its bulk writes in one round trip only when it has
nothing of its own to write: what its session holds is never left out of the transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.domain import LeadRouted
from l2o.services.leads_batch import BufferedUnitOfWork
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.bulk import BulkWriter

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def _routed(lead_id: str) -> LeadRouted:
    return LeadRouted(
        lead_id=lead_id,
        assignment_id=f"as-{lead_id}",
        owner_id="u-1",
        rule="pool",
        pool="inbound",
        why="round robin",
        assigned_at=T0,
        trigger="new_lead",
    )


def test_events_and_the_commit_go_with_the_writes(engine: Engine) -> None:
    with BufferedUnitOfWork(engine) as uow:
        uow.publish(_routed("l-1"))
        writer = BulkWriter.for_unit_of_work(uow)
        with writer.together():
            uow.write_events(writer)
            uow.commit_queued(writer)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        (message,) = uow.outbox.list()
    assert (message.event_type, message.payload["lead_id"]) == ("LeadRouted", "l-1")


class _Refused(Exception):
    pass


def test_with_a_record_of_its_own_to_write_the_commit_waits_for_it(engine: Engine) -> None:
    # A user added through the session would be flushed only at the unit of work's commit:
    # the events written in bulk must not be committed before it, alone.
    def write_then_refuse() -> None:
        with BufferedUnitOfWork(engine) as uow:
            uow.users.add(d.User(id="u-1", name="Ana", created_at=T0))
            uow.publish(_routed("l-1"))
            writer = BulkWriter.for_unit_of_work(uow)
            with writer.together():
                uow.write_events(writer)
                uow.commit_queued(writer)
            raise _Refused  # before the unit of work commits: nothing may be kept

    with pytest.raises(_Refused):
        write_then_refuse()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.outbox.count() == 0
        assert uow.users.find("u-1") is None
