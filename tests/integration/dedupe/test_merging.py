"""Merging duplicates and undoing merges in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.ingest.dedupe import DuplicateMatch
from l2o.services.merging import (
    CHILD_REFERENCES,
    MergeError,
    deduplicate,
    list_merges,
    merge_duplicates,
    undo_merge,
)
from l2o.store import SqlAlchemyUnitOfWork, metadata

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _account_family(engine: Engine) -> dict[str, str]:
    """Two copies of Acme (the older is kept) with children pointing at the newer one."""
    old = d.Account(name="Acme", domain="acme.com", created_at=T0)
    new = d.Account(name="ACME Inc", domain="www.acme.com", created_at=T0 + timedelta(days=9))
    sub = d.Account(name="Acme Labs", parent_id=new.id)
    contact = d.Contact(last_name="Berg", account_id=new.id)
    deal = d.Opportunity(name="Acme renewal", account_id=new.id, pipeline="new", stage="Discovery")
    touch = d.Touchpoint(occurred_at=T0, touch_type="email", account_id=new.id)
    ticket = d.SupportTicket(account_id=new.id, contact_id=contact.id)
    task = d.Task(subject="Call Acme", related_type="Account", related_id=new.id)
    with SqlAlchemyUnitOfWork(engine, actor="u-seed") as uow:
        for record in (old, new, sub, contact, deal, touch, ticket, task):
            uow.session.add(record)
        uow.commit()
    return {
        "old": old.id,
        "new": new.id,
        "sub": sub.id,
        "contact": contact.id,
        "deal": deal.id,
        "touch": touch.id,
        "ticket": ticket.id,
        "task": task.id,
    }


def test_merge_keeps_the_oldest_moves_children_and_undo_moves_them_back(engine: Engine) -> None:
    ids = _account_family(engine)
    match = DuplicateMatch.of("accounts", ids["old"], ids["new"], 1.0, "exact:domain")
    with SqlAlchemyUnitOfWork(engine, actor="u-ana", source="dedupe") as uow:
        [merge] = merge_duplicates(uow, [match])
        uow.commit()

    assert (merge.master_id, merge.merged_id, merge.rule) == (
        ids["old"],
        ids["new"],
        "exact:domain",
    )
    with SqlAlchemyUnitOfWork(engine) as uow:
        stored = uow.merges.get(merge.id)
        assert stored.merged_by == "u-ana"
        assert stored.merged_snapshot["name"] == "ACME Inc"
        assert stored.reparented == {
            "accounts": [ids["sub"]],
            "contacts": [ids["contact"]],
            "opportunities": [ids["deal"]],
            "touchpoints": [ids["touch"]],
            "support_tickets": [ids["ticket"]],
            "tasks": [ids["task"]],
        }
        assert uow.accounts.get(ids["new"]).merged_into_id == ids["old"]
        assert uow.accounts.get(ids["sub"]).parent_id == ids["old"]
        assert uow.contacts.get(ids["contact"]).account_id == ids["old"]
        assert uow.opportunities.get(ids["deal"]).account_id == ids["old"]
        assert uow.touchpoints.get(ids["touch"]).account_id == ids["old"]
        assert uow.tasks.get(ids["task"]).related_id == ids["old"]
        trail = uow.audit.for_record("Contact", ids["contact"])
        assert [(e.field, e.old_value, e.new_value, e.changed_by) for e in trail[1:]] == [
            ("account_id", ids["new"], ids["old"], "u-ana")
        ]
        pointer = [e for e in uow.audit.for_record("Account", ids["new"]) if e.field]
        assert [(e.field, e.new_value) for e in pointer] == [("merged_into_id", ids["old"])]

    with SqlAlchemyUnitOfWork(engine, actor="u-bo") as uow:
        undone = undo_merge(uow, merge.id)
    assert undone.undone_by == "u-bo"
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.accounts.get(ids["new"]).merged_into_id is None
        assert uow.accounts.get(ids["sub"]).parent_id == ids["new"]
        assert uow.contacts.get(ids["contact"]).account_id == ids["new"]
        assert uow.opportunities.get(ids["deal"]).account_id == ids["new"]
        assert uow.touchpoints.get(ids["touch"]).account_id == ids["new"]
        assert uow.support_tickets.get(ids["ticket"]).account_id == ids["new"]
        assert uow.tasks.get(ids["task"]).related_id == ids["new"]
        assert uow.merges.get(merge.id).is_undone

    with SqlAlchemyUnitOfWork(engine) as uow, pytest.raises(MergeError, match="already undone"):
        undo_merge(uow, merge.id)


def test_a_merge_raises_each_written_records_version_once_and_the_session_sees_it(
    engine: Engine,
) -> None:
    ids = _account_family(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        old, new, sub = (uow.accounts.get(ids[k]) for k in ("old", "new", "sub"))
        contact = uow.contacts.get(ids["contact"])
        before = [old.version, new.version, sub.version]
        merge_duplicates(uow, [DuplicateMatch.of("accounts", ids["old"], ids["new"], 0.97, "x")])
        # The records loaded before the merge read as the merge left them, in the same unit.
        assert (new.merged_into_id, sub.parent_id, contact.account_id) == (ids["old"],) * 3
        assert [old.version, new.version, sub.version] == [before[0], before[1] + 1, before[2] + 1]
        sub.name = "Acme Labs GmbH"  # a later change in the same unit of work still saves
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        stored = uow.accounts.get(ids["sub"])
        assert (stored.name, stored.version) == ("Acme Labs GmbH", before[2] + 2)


def test_undo_leaves_a_child_that_someone_moved_since(engine: Engine) -> None:
    ids = _account_family(engine)
    elsewhere = d.Account(name="Elsewhere")
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.session.add(elsewhere)
        [merge] = merge_duplicates(
            uow, [DuplicateMatch.of("accounts", ids["old"], ids["new"], 0.97, "splink:x")]
        )
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.contacts.get(ids["contact"]).account_id = elsewhere.id
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        undo_merge(uow, merge.id)
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.contacts.get(ids["contact"]).account_id == elsewhere.id
        assert uow.opportunities.get(ids["deal"]).account_id == ids["new"]


def test_deduplicate_finds_and_merges_leads_in_one_transaction(engine: Engine) -> None:
    a = d.Lead(first_name="Ana", last_name="Ruiz", email="ana@acme.com", created_at=T0)
    b = d.Lead(
        first_name="Ana", last_name="Ruiz", email="ANA@acme.com", created_at=T0 + timedelta(days=1)
    )
    c = d.Lead(first_name="Bo", last_name="Lind", email="bo@acme.com")
    touch = d.Touchpoint(occurred_at=T0, touch_type="webinar", lead_id=b.id)
    with SqlAlchemyUnitOfWork(engine) as uow:
        for record in (a, b, c, touch):
            uow.session.add(record)
        uow.commit()

    with SqlAlchemyUnitOfWork(engine) as uow:
        dry = deduplicate(uow, "leads", dry_run=True)
    assert [m.pair for m in dry.result.matches] == [tuple(sorted((a.id, b.id)))]
    assert dry.merges == []
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.merges.count() == 0

    with SqlAlchemyUnitOfWork(engine, actor="u-ops") as uow:
        report = deduplicate(uow, "leads")
    [merge] = report.merges
    assert (merge.master_id, merge.merged_id) == (a.id, b.id)
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.touchpoints.get(touch.id).lead_id == a.id
        assert [m.id for m in list_merges(uow, "leads")] == [merge.id]
        assert list_merges(uow, "accounts") == []
        # A merged record is no longer a candidate: running again finds nothing new.
        assert deduplicate(uow, "leads").merges == []


def test_a_record_already_merged_away_is_not_merged_again(engine: Engine) -> None:
    a, b = d.Contact(last_name="Berg", created_at=T0), d.Contact(last_name="Berg")
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.session.add_all([a, b])
        uow.commit()
    match = DuplicateMatch.of("contacts", a.id, b.id, 1.0, "exact:email")
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert len(merge_duplicates(uow, [match])) == 1
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert merge_duplicates(uow, [match]) == []


def test_child_references_cover_every_foreign_key_to_a_mergeable_record() -> None:
    tables = {"Account": "accounts", "Contact": "contacts", "Lead": "leads"}
    for type_name, table_name in tables.items():
        in_store = {
            (table.name, fk.parent.name)
            for table in metadata.sorted_tables
            for fk in table.foreign_keys
            if fk.column.table.name == table_name and fk.parent.name != "merged_into_id"
        }
        listed = {(table, column) for table, _repo, column in CHILD_REFERENCES[type_name]}
        assert listed == in_store, type_name


def test_children_of_more_losers_than_one_look_up_takes_all_move(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from l2o.services import merging

    monkeypatch.setattr(merging, "LOOKUP_CHUNK", 1)
    leads = [
        d.Lead(last_name="Ruiz", email="ana@acme.com", created_at=T0 + timedelta(days=i))
        for i in range(3)
    ]
    touches = [d.Touchpoint(occurred_at=T0, touch_type="email", lead_id=lead.id) for lead in leads]
    with SqlAlchemyUnitOfWork(engine) as uow:
        for record in (*leads, *touches):
            uow.session.add(record)
        uow.commit()
    matches = [DuplicateMatch.of("leads", leads[0].id, lead.id, 0.99, "x") for lead in leads[1:]]
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert len(merge_duplicates(uow, matches)) == 2
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert {uow.touchpoints.get(t.id).lead_id for t in touches} == {leads[0].id}
