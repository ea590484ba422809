"""Audit rows: one per changed field, with old and new values, who, when and through what."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.store import SqlAlchemyUnitOfWork


def _trail(engine: Engine, record: d.Record) -> list[tuple[str, str | None, object, object]]:
    with SqlAlchemyUnitOfWork(engine) as uow:
        entries = uow.audit.for_record(type(record).__name__, record.id)
    return sorted(
        ((str(e.action), e.field, e.old_value, e.new_value) for e in entries),
        key=lambda row: (row[0] != "create", row[0] == "delete", row[1] or ""),
    )


def test_creating_a_record_writes_one_create_row_with_actor_and_source(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine, actor="u-1", source="import:hubspot") as uow:
        account = uow.accounts.add(d.Account(name="Acme"))
        uow.commit()
        [entry] = uow.audit.for_record("Account", account.id)
    assert (entry.action, entry.field, entry.changed_by, entry.source) == (
        d.AuditAction.CREATE,
        None,
        "u-1",
        "import:hubspot",
    )
    assert entry.changed_at.tzinfo is UTC


def test_only_changed_fields_are_written_with_old_and_new_values(engine: Engine) -> None:
    deal = d.Opportunity(name="Deal", stage="Discovery", amount=Decimal("100.00"))
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.opportunities.add(deal)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine, actor="u-2", source="api") as uow:
        loaded = uow.opportunities.get(deal.id)
        loaded.amount = Decimal("250.50")
        loaded.name = "Deal"  # same value: no row
        loaded.close_date = datetime(2025, 6, 30, tzinfo=UTC).date()
        uow.commit()
    assert _trail(engine, deal) == [
        ("create", None, None, None),
        ("update", "amount", "100.00", "250.50"),
        ("update", "close_date", None, "2025-06-30"),
    ]
    with SqlAlchemyUnitOfWork(engine) as uow:
        updates = [e for e in uow.audit.for_record("Opportunity", deal.id) if e.field]
    assert {(e.changed_by, e.source) for e in updates} == {("u-2", "api")}


def test_json_fields_changed_in_place_are_saved_and_audited(engine: Engine) -> None:
    deal = d.Opportunity(name="Deal", stage="Discovery", qualification={"metrics": "20%"})
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.opportunities.add(deal)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.opportunities.get(deal.id).qualification["champion"] = {"name": "Jo"}
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.opportunities.get(deal.id).qualification == {
            "metrics": "20%",
            "champion": {"name": "Jo"},
        }
    after = {"metrics": "20%", "champion": {"name": "Jo"}}
    assert _trail(engine, deal)[1:] == [("update", "qualification", {"metrics": "20%"}, after)]


def test_two_commits_in_one_unit_of_work_audit_against_the_last_commit(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        lead = uow.leads.add(d.Lead(title="VP"))
        uow.commit()
        lead.title = "CFO"
        uow.commit()
        lead.title = "CEO"
        uow.commit()
    assert _trail(engine, lead)[1:] == [
        ("update", "title", "VP", "CFO"),
        ("update", "title", "CFO", "CEO"),
    ]


def test_deleting_writes_a_delete_row(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        task = uow.tasks.add(d.Task(subject="Call"))
        uow.commit()
        uow.tasks.delete(task)
        uow.commit()
    assert [row[0] for row in _trail(engine, task)] == ["create", "delete"]


def test_audit_rows_roll_back_with_the_change(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        account = uow.accounts.add(d.Account(name="Acme"))
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.accounts.get(account.id).tier = "A"
        uow.flush()
    assert _trail(engine, account) == [("create", None, None, None)]


def test_history_records_are_not_audited(engine: Engine) -> None:
    deal = d.Opportunity(name="Deal", stage="Discovery")
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.opportunities.add(deal)
        uow.commit()
        change = deal.move_to_stage("Demo", at=d.utc_now())
        uow.touchpoints.add(d.Touchpoint(occurred_at=d.utc_now(), touch_type="meeting"))
        uow.commit()
        recorded = {e.record_type for e in uow.audit.list()}
    assert recorded == {"Opportunity"}
    assert ("update", "stage", "Discovery", "Demo") in _trail(engine, deal)
    assert change.id
