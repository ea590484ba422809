"""One transaction per use case: committed together, or not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.errors import RecordNotFound, StoreError
from l2o.store import SqlAlchemyUnitOfWork


def _count(engine: Engine, repository: str) -> int:
    with SqlAlchemyUnitOfWork(engine) as uow:
        return int(getattr(uow, repository).count())


def test_committed_records_are_read_back_in_a_new_unit_of_work(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        account = uow.accounts.add(d.Account(name="Acme"))
        uow.opportunities.add(d.Opportunity(name="Deal", stage="Discovery", account_id=account.id))
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.accounts.get(account.id).name == "Acme"
        assert [o.name for o in uow.opportunities.list(account_id=account.id)] == ["Deal"]


def test_leaving_without_commit_writes_nothing(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.accounts.add(d.Account(name="Acme"))
        uow.flush()  # even rows already sent to the database
    assert _count(engine, "accounts") == 0


def test_an_exception_in_the_block_leaves_nothing_half_written(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        account = uow.accounts.add(d.Account(name="Acme"))
        uow.commit()

    def failing_use_case() -> None:
        with SqlAlchemyUnitOfWork(engine) as uow:
            uow.accounts.get(account.id).tier = "A"
            uow.opportunities.add(d.Opportunity(name="Deal", stage="Discovery"))
            uow.publish(d.LeadConverted(lead_id="l", contact_id="c", account_id="a",
                                        opportunity_id=None, converted_at=d.utc_now()))  # fmt: skip
            uow.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_use_case()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.accounts.get(account.id).tier is None
        assert uow.opportunities.count() == 0
        assert uow.outbox.count() == 0
        assert [e.action for e in uow.audit.for_record("Account", account.id)] == ["create"]


def test_rollback_undoes_what_was_not_committed(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.accounts.add(d.Account(name="Kept"))
        uow.commit()
        uow.accounts.add(d.Account(name="Dropped"))
        uow.rollback()
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert [a.name for a in uow.accounts.list()] == ["Kept"]


def test_a_dangling_reference_is_refused_at_commit_and_nothing_is_written(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.accounts.add(d.Account(name="Acme"))
        uow.opportunities.add(d.Opportunity(name="Deal", stage="X", account_id=d.new_id()))
        with pytest.raises(StoreError, match="breaks a rule"):
            uow.commit()
    assert _count(engine, "accounts") == 0


def test_records_may_be_added_before_what_they_point_at(engine: Engine) -> None:
    # Foreign keys are checked at commit, so the order of adds within a use case is free.
    account = d.Account(name="Acme")
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.opportunities.add(d.Opportunity(name="Deal", stage="X", account_id=account.id))
        uow.accounts.add(account)
        uow.commit()
    assert _count(engine, "opportunities") == 1


def test_a_missing_id_raises_record_not_found_naming_it(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        with pytest.raises(RecordNotFound, match="Opportunity 'nope' not found"):
            uow.opportunities.get("nope")
        assert uow.opportunities.find("nope") is None


def test_records_read_in_a_block_stay_readable_after_it(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        quote = d.Quote(name="Q")
        quote.add_line(list_price=Decimal("10.00"))
        uow.quotes.add(quote)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        loaded = uow.quotes.get(quote.id)
    assert loaded.name == "Q"
    assert [line.net_price for line in loaded.lines] == [Decimal("10.00")]


def test_list_filters_by_fields_and_refuses_unknown_ones(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        for name, tier in [("A1", "A"), ("B1", "B"), ("A2", "A")]:
            uow.accounts.add(d.Account(name=name, tier=tier))
        uow.commit()
        assert sorted(a.name for a in uow.accounts.list(tier="A")) == ["A1", "A2"]
        assert uow.accounts.count(tier="B") == 1
        assert len(uow.accounts.list(limit=2)) == 2
        with pytest.raises(ValueError, match="no field"):
            uow.accounts.list(teir="A")


def test_the_unit_of_work_must_be_open_to_be_used(engine: Engine) -> None:
    uow = SqlAlchemyUnitOfWork(engine)
    with pytest.raises(StoreError, match="not open"):
        uow.commit()
