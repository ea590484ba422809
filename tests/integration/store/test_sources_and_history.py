"""Importers upsert by (source_system, source_id); stage history reads back in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.errors import StoreError
from l2o.store import SqlAlchemyUnitOfWork

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def _upsert_account(engine: Engine, source_id: str, name: str) -> d.Account:
    with SqlAlchemyUnitOfWork(engine, source="import:salesforce") as uow:
        account = uow.accounts.find_by_source("salesforce", source_id)
        if account is None:
            account = uow.accounts.add(
                d.Account(name=name, source_system="salesforce", source_id=source_id)
            )
        account.name = name
        uow.commit()
        return account


def test_upsert_by_source_updates_instead_of_copying(engine: Engine) -> None:
    first = _upsert_account(engine, "001A", "Acme")
    again = _upsert_account(engine, "001A", "Acme GmbH")
    assert again.id == first.id
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert [a.name for a in uow.accounts.list()] == ["Acme GmbH"]
        assert uow.accounts.find_by_source("hubspot", "001A") is None


def test_find_by_source_sees_records_added_earlier_in_the_same_unit(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        added = uow.leads.add(d.Lead(source_system="hubspot", source_id="42"))
        assert uow.leads.find_by_source("hubspot", "42") is added
        assert uow.leads.by_source_ids("hubspot", ["42", "43"]) == {"42": added}


def test_a_source_pair_is_unique_but_records_without_one_are_not_limited(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.contacts.add(d.Contact(last_name="A", source_system="csv", source_id="1"))
        uow.contacts.add(d.Contact(last_name="B", source_system="hubspot", source_id="1"))
        uow.contacts.add(d.Contact(last_name="C"))
        uow.contacts.add(d.Contact(last_name="D"))
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.contacts.add(d.Contact(last_name="E", source_system="csv", source_id="1"))
        with pytest.raises(StoreError, match="breaks a rule"):
            uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.contacts.count() == 4


def test_stage_history_reads_back_in_time_order_whatever_the_insert_order(
    engine: Engine,
) -> None:
    deal = d.Opportunity(name="Deal", stage="Negotiation")
    # Imported history can arrive in any order.
    for days, (before, after) in [(9, ("Proposal", "Negotiation")), (1, (None, "Discovery")),
                                  (4, ("Discovery", "Proposal"))]:  # fmt: skip
        deal.stage_history.append(
            d.StageChange(
                opportunity_id=deal.id,
                from_stage=before,
                to_stage=after,
                changed_at=T0 + timedelta(days=days),
            )
        )
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.opportunities.add(deal)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        loaded = uow.opportunities.get(deal.id)
        loaded.move_to_stage("Closed Won", at=T0 + timedelta(days=12))
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        history = uow.opportunities.get(deal.id).stage_history
        assert [c.to_stage for c in history] == [
            "Discovery",
            "Proposal",
            "Negotiation",
            "Closed Won",
        ]
        assert uow.stage_changes.count(opportunity_id=deal.id) == 4
