"""The lifecycle services on SQLite and PostgreSQL: health stored and audited, one renewal
deal per contract at the spec's windows, churn and expansion signals in the review's
transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from revenue_builders import T0, Company
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.services import lifecycle
from l2o.services.bootstrap import RevenueSystem
from l2o.services.lifecycle import (
    renewal_opportunity_id,
    review_account,
    run_lifecycle,
    score_account_health,
)
from l2o.store import SqlAlchemyUnitOfWork


def _customer(
    engine: Engine,
    company: Company,
    *,
    ends_in_days: int = 300,
    active: tuple[int, int] = (80, 80),
    seats: int = 100,
    sponsor: bool = True,
    open_tickets: int = 1,
) -> d.Contract:
    """Globex as a customer: a contract, weekly usage (``active`` users 120-30 days ago,
    then in the last 30 days), open tickets, and an executive sponsor."""
    contract = d.Contract(
        account_id=company.account.id,
        start_date=date(2024, 6, 1),
        end_date=T0.date() + timedelta(days=ends_in_days),
        arr=Decimal("120000"),
    )
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        account = uow.accounts.get(company.account.id)
        if sponsor:
            account.custom_fields = {"executive_sponsor_id": company.contacts[0].id}
        uow.contracts.add(contract)
        for days_ago in range(3, 120, 7):
            quantity = active[1] if days_ago < 30 else active[0]
            uow.usage.add(
                d.UsageRecord(
                    account_id=account.id,
                    contract_id=contract.id,
                    metric="active_users",
                    quantity=Decimal(quantity),
                    licensed_seats=seats,
                    occurred_at=T0 - timedelta(days=days_ago),
                )
            )
        for _ in range(open_tickets):
            uow.support_tickets.add(
                d.SupportTicket(account_id=account.id, created_at=T0 - timedelta(days=2))
            )
        uow.commit()
    return contract


def _events(system: RevenueSystem, event_type: str) -> list[dict[str, object]]:
    with system.unit_of_work() as uow:
        return [m.payload for m in uow.outbox.list(event_type=event_type)]


def test_health_is_scored_stored_and_audited_once(
    system: RevenueSystem, company: Company, engine: Engine
) -> None:
    _customer(engine, company)
    first = score_account_health(system, company.account.id, as_of=T0)
    # usage flat (100), seats 80%, one open ticket (80), no NPS (left out), sponsor set (100)
    assert first.health.score == pytest.approx((35 * 100 + 25 * 80 + 15 * 80 + 10 * 100) / 85)
    assert first.health.band == "healthy"
    assert first.changed
    assert first.previous is None
    again = score_account_health(system, company.account.id, as_of=T0)
    assert not again.changed
    with system.unit_of_work() as uow:
        stored = uow.accounts.get(company.account.id).health_score
        trail = uow.audit.for_record("Account", company.account.id)
    assert stored == round(first.health.score or 0, 1)
    [row] = [e for e in trail if e.field == "health_score"]
    assert row.old_value is None
    assert row.new_value == stored
    [event] = _events(system, "AccountHealthChanged")
    assert event["score"] == stored
    assert event["band"] == "healthy"


@pytest.mark.parametrize("ends_in_days", [120, 100, 90, 60, 30])
def test_a_renewal_deal_is_opened_once_per_contract(
    system: RevenueSystem, company: Company, engine: Engine, ends_in_days: int
) -> None:
    contract = _customer(engine, company, ends_in_days=ends_in_days)
    run = run_lifecycle(system, as_of=T0)
    assert (run.accounts, run.renewals_opened, run.renewal_windows) == (1, 1, 1)
    assert run_lifecycle(system, as_of=T0).renewals_opened == 0
    with system.unit_of_work() as uow:
        [deal] = uow.opportunities.list(opportunity_type=d.OpportunityType.RENEWAL)
    assert deal.id == renewal_opportunity_id(contract.id)
    assert (deal.pipeline, deal.stage) == ("renewal", "renewal_planning")
    assert (deal.amount, deal.close_date) == (contract.arr, contract.end_date)
    assert deal.owner_id == company.rep.id  # nobody holds the am role: the account owner
    [window] = _events(system, "RenewalWindowReached")
    assert window["opportunity_id"] == deal.id
    assert window["open_opportunity"] is True


def test_later_windows_remind_without_opening_another_deal(
    system: RevenueSystem, company: Company, engine: Engine
) -> None:
    contract = _customer(engine, company, ends_in_days=125)
    with system.unit_of_work() as uow:
        territory = uow.territories.add(d.Territory(name="na-mid"))
        am = uow.users.add(d.User(name="Ada AM", email="ada@northwind.example", role=d.UserRole.AM))
        am.territory_id = territory.id
        uow.accounts.get(company.account.id).territory_id = territory.id
        uow.commit()
    seen = []
    for days in (0, 5, 6, 35, 36, 65, 80):  # 125, 120, 119, 90, 89, 60, 45 days left
        seen.append(run_lifecycle(system, as_of=T0 + timedelta(days=days)))
    assert [r.renewal_windows for r in seen] == [0, 1, 0, 1, 0, 1, 0]
    assert sum(r.renewals_opened for r in seen) == 1
    windows = _events(system, "RenewalWindowReached")
    assert [(w["window_days"], w["opportunity_id"]) for w in windows] == [
        (120, renewal_opportunity_id(contract.id)),
        (90, None),
        (60, None),
    ]
    with system.unit_of_work() as uow:
        deal = uow.opportunities.get(renewal_opportunity_id(contract.id))
    assert deal.owner_id == am.id  # the am role's holder covering the account


def test_churn_and_expansion_signals_are_raised_with_the_review(
    system: RevenueSystem, company: Company, engine: Engine
) -> None:
    # usage fell to a third (churn: usage_drop), no sponsor (sponsor_left), 95% of seats
    # active (expansion: seats_nearly_full, whose pipeline makes a task for the owner)
    _customer(engine, company, active=(285, 95), sponsor=False, open_tickets=0)
    review = review_account(system, company.account.id, as_of=T0)
    assert review.expansion == ("seats_nearly_full",)
    assert set(review.churn) == {"usage_drop", "sponsor_left"}
    signals = {(e["kind"], e["signal"]) for e in _events(system, "AccountSignalRaised")}
    assert signals == {
        ("expansion", "seats_nearly_full"),
        ("churn_risk", "usage_drop"),
        ("churn_risk", "sponsor_left"),
    }
    with system.unit_of_work() as uow:
        [task] = uow.tasks.list(related_id=company.account.id)
    assert task.owner_id == company.rep.id
    assert "expansion" in task.subject
    again = review_account(system, company.account.id, as_of=T0 + timedelta(days=1))
    assert (again.expansion, again.churn) == ((), ())  # still holding: once a month


def test_signals_commit_only_with_the_rest_of_the_review(
    system: RevenueSystem,
    company: Company,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _customer(engine, company, active=(285, 95), sponsor=False)

    def broken(*_args: object) -> list[object]:
        raise RuntimeError("renewals failed")

    monkeypatch.setattr(lifecycle, "_renewals", broken)
    with pytest.raises(RuntimeError):
        review_account(system, company.account.id, as_of=T0)
    with system.unit_of_work() as uow:
        assert uow.outbox.list() == []
        assert uow.accounts.get(company.account.id).health_score is None
        assert uow.tasks.list(related_id=company.account.id) == []


def test_merged_and_non_customer_accounts_are_not_reviewed(
    system: RevenueSystem, company: Company, engine: Engine
) -> None:
    run = run_lifecycle(system, as_of=T0)
    assert run.accounts == 0
    _customer(engine, company)
    assert run_lifecycle(system, as_of=datetime(2025, 3, 4, tzinfo=T0.tzinfo)).accounts == 1
