"""Merges of duplicates, deal field history, support tickets and territories in the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.errors import StoreError
from l2o.store import SqlAlchemyUnitOfWork

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_a_merge_is_found_from_either_side_and_undone_in_place(engine: Engine) -> None:
    master, duplicate, third = d.Account(name="Acme"), d.Account(name="ACME"), d.Account(name="A")
    contact = d.Contact(last_name="Berg", account_id=duplicate.id)
    with SqlAlchemyUnitOfWork(engine, actor="u-1") as uow:
        for record in (master, duplicate, third, contact):
            uow.session.add(record)
        uow.commit()

    with SqlAlchemyUnitOfWork(engine, actor="u-1", source="dedupe") as uow:
        kept, loser = uow.accounts.get(master.id), uow.accounts.get(duplicate.id)
        merge = d.merge_records(kept, loser, rule="exact:domain", at=T0, by="u-1")
        moved = uow.contacts.get(contact.id)
        moved.account_id = kept.id
        merge.note_reparented("contacts", [moved.id])
        uow.merges.add(merge)
        later = d.merge_records(kept, uow.accounts.get(third.id), rule="splink",
                                at=T0 + timedelta(hours=1), match_probability=0.93)  # fmt: skip
        uow.merges.add(later)
        uow.commit()

    with SqlAlchemyUnitOfWork(engine) as uow:
        assert [m.id for m in uow.merges.for_record("Account", master.id)] == [merge.id, later.id]
        [found] = uow.merges.for_record("Account", duplicate.id)
        assert found.merged_snapshot["name"] == "ACME"
        assert found.reparented == {"contacts": [contact.id]}
        assert uow.merges.for_record("Contact", master.id) == []
        assert uow.accounts.get(duplicate.id).merged_into_id == master.id
        assert [a.name for a in uow.accounts.list(merged_into_id=None)] == ["Acme"]
        trail = uow.audit.for_record("Account", duplicate.id)
        assert [(e.field, e.new_value) for e in trail if e.field] == [("merged_into_id", master.id)]

    with SqlAlchemyUnitOfWork(engine, actor="u-2") as uow:
        found = uow.merges.get(merge.id)
        found.undo(uow.accounts.get(duplicate.id), at=T0 + timedelta(days=1), by="u-2")
        uow.contacts.get(contact.id).account_id = duplicate.id
        uow.commit()

    with SqlAlchemyUnitOfWork(engine) as uow:
        undone = uow.merges.get(merge.id)
        assert (undone.is_undone, undone.undone_by) == (True, "u-2")
        assert uow.accounts.get(duplicate.id).merged_into_id is None
        assert uow.merges.count() == 2


@pytest.mark.parametrize("record_class", [d.Account, d.Contact, d.Lead])
def test_merged_into_must_point_at_a_stored_record_of_the_same_kind(
    engine: Engine, record_class: type[d.Account | d.Contact | d.Lead]
) -> None:
    fields = {"name": "x"} if record_class is d.Account else {"last_name": "x"}
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.session.add(record_class(**fields, merged_into_id=d.new_id()))  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="breaks a rule"):
            uow.commit()


def test_field_history_reads_per_deal_in_time_order(engine: Engine) -> None:
    deal, other = d.Opportunity(name="Deal", stage="Demo"), d.Opportunity(name="O", stage="Demo")
    changes = [
        d.OpportunityFieldChange(opportunity_id=deal.id, field="close_date",
                                 old_value="2025-04-30", new_value="2025-05-31",
                                 changed_at=T0 + timedelta(days=9), source_system="salesforce",
                                 source_id="017B"),
        d.OpportunityFieldChange(opportunity_id=deal.id, field="amount", old_value="100.00",
                                 new_value="150.00", changed_at=T0 + timedelta(days=5)),
        d.OpportunityFieldChange(opportunity_id=deal.id, field="close_date",
                                 old_value="2025-03-31", new_value="2025-04-30",
                                 changed_at=T0 + timedelta(days=1), source_system="salesforce",
                                 source_id="017A"),
        d.OpportunityFieldChange(opportunity_id=other.id, field="close_date", old_value=None,
                                 new_value="2025-03-31", changed_at=T0),
    ]  # fmt: skip
    with SqlAlchemyUnitOfWork(engine) as uow:
        for record in (deal, other, *changes):
            uow.session.add(record)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        history = uow.field_changes.history(deal.id)
        assert [c.field for c in history] == ["close_date", "amount", "close_date"]
        slips = [c.close_date_slip_days() for c in uow.field_changes.history(deal.id, "close_date")]
        assert slips == [30, 31]
        assert sorted(uow.field_changes.by_source_ids("salesforce", ["017A", "017B"])) == [
            "017A",
            "017B",
        ]


def test_a_field_change_needs_its_deal(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.field_changes.add(
            d.OpportunityFieldChange(opportunity_id="nope", field="amount", changed_at=T0)
        )
        with pytest.raises(StoreError, match="breaks a rule"):
            uow.commit()


def test_support_tickets_are_importable_audited_and_rated_1_to_5(engine: Engine) -> None:
    account = d.Account(name="Acme")
    ticket = d.SupportTicket(account_id=account.id, created_at=T0, priority="high",
                             category="bug", source_system="zendesk", source_id="9")  # fmt: skip
    with SqlAlchemyUnitOfWork(engine, source="import:zendesk") as uow:
        uow.accounts.add(account)
        uow.support_tickets.add(ticket)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        found = uow.support_tickets.find_by_source("zendesk", "9")
        assert found is not None
        assert found.is_open
        found.close(T0 + timedelta(hours=30), satisfaction=4)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        closed = uow.support_tickets.get(ticket.id)
        assert (closed.status, closed.satisfaction) == (d.TicketStatus.CLOSED, 4)
        assert closed.time_to_close() == timedelta(hours=30)
        actions = [(e.action, e.field) for e in uow.audit.for_record("SupportTicket", ticket.id)]
        assert actions[0] == (d.AuditAction.CREATE, None)
        assert {field for _, field in actions[1:]} == {"status", "closed_at", "satisfaction"}
        # The database keeps the rule even when the domain is bypassed.
        closed.satisfaction = 7
        with pytest.raises(StoreError, match="breaks a rule"):
            uow.commit()


def test_territories_place_users_and_accounts(engine: Engine) -> None:
    territory = d.Territory(name="emea-smb", region="EMEA", segment="smb")
    rep = d.User(name="Ana", territory_id=territory.id)
    account = d.Account(name="Acme", segment="smb", territory_id=territory.id, owner_id=rep.id)
    with SqlAlchemyUnitOfWork(engine) as uow:
        for record in (account, rep, territory):  # any order: references are checked at commit
            uow.session.add(record)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert [u.name for u in uow.users.list(territory_id=territory.id)] == ["Ana"]
        assert uow.accounts.count(territory_id=territory.id, segment="smb") == 1
        assert uow.territories.get(territory.id).region == "EMEA"
        uow.users.add(d.User(name="Bo", territory_id="missing"))
        with pytest.raises(StoreError, match="breaks a rule"):
            uow.commit()
