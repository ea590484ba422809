"""Optimistic locking: a write based on an out-of-date read is refused, naming the record."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.errors import StaleRecord
from l2o.store import SqlAlchemyUnitOfWork


def _stored(engine: Engine, record: d.Record) -> d.Record:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.session.add(record)
        uow.commit()
    return record


def test_version_starts_at_one_and_rises_with_each_update(engine: Engine) -> None:
    deal = _stored(engine, d.Opportunity(name="Deal", stage="Discovery"))
    assert isinstance(deal, d.Opportunity)
    assert deal.version == 1
    with SqlAlchemyUnitOfWork(engine) as uow:
        loaded = uow.opportunities.get(deal.id)
        loaded.next_step = "call"
        uow.commit()
        assert loaded.version == 2


def test_the_second_of_two_concurrent_edits_raises_stale_record(engine: Engine) -> None:
    deal = _stored(engine, d.Opportunity(name="Deal", stage="Discovery"))
    with SqlAlchemyUnitOfWork(engine) as first, SqlAlchemyUnitOfWork(engine) as second:
        mine = first.opportunities.get(deal.id)
        theirs = second.opportunities.get(deal.id)
        mine.amount = Decimal("1000.00")
        theirs.amount = Decimal("2000.00")
        first.commit()
        with pytest.raises(StaleRecord) as caught:
            second.commit()
    assert (caught.value.record_type, caught.value.record_id) == ("Opportunity", deal.id)
    assert caught.value.expected_version == 1
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.opportunities.get(deal.id).amount == Decimal("1000.00")


def test_the_stale_record_is_named_among_several_changed_ones(engine: Engine) -> None:
    account = _stored(engine, d.Account(name="Acme"))
    lead = _stored(engine, d.Lead(email="a@b.c"))
    with SqlAlchemyUnitOfWork(engine) as other, SqlAlchemyUnitOfWork(engine) as uow:
        their_lead = other.leads.get(lead.id)
        my_account, my_lead = uow.accounts.get(account.id), uow.leads.get(lead.id)
        their_lead.title = "CTO"
        other.commit()
        my_account.tier = "A"
        my_lead.title = "CFO"
        with pytest.raises(StaleRecord, match=f"Lead '{lead.id}'"):
            uow.commit()


def test_a_stale_autoflush_inside_the_block_is_reported_as_stale_record(engine: Engine) -> None:
    deal = _stored(engine, d.Opportunity(name="Deal", stage="Discovery"))

    def edit_then_query() -> None:
        with SqlAlchemyUnitOfWork(engine) as first, SqlAlchemyUnitOfWork(engine) as second:
            second.opportunities.get(deal.id).next_step = "theirs"
            first.opportunities.get(deal.id).next_step = "mine"
            second.commit()
            first.opportunities.list()  # the query flushes the stale change first

    with pytest.raises(StaleRecord, match="Opportunity"):
        edit_then_query()


def test_editing_a_quote_line_bumps_the_quote_version(engine: Engine) -> None:
    quote = d.Quote()
    line = quote.add_line(list_price=Decimal("100.00"), quantity=Decimal(2))
    _stored(engine, quote)
    with SqlAlchemyUnitOfWork(engine) as first, SqlAlchemyUnitOfWork(engine) as second:
        first.quotes.get(quote.id).set_discount(line.id, Decimal(10))
        second.quotes.get(quote.id).set_discount(line.id, Decimal(30))
        first.commit()
        with pytest.raises(StaleRecord, match="Quote"):
            second.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        stored = uow.quotes.get(quote.id)
        assert (stored.version, stored.net_total) == (2, Decimal("180.00"))
