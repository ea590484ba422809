"""Lifecycle: derived account facts, health score, renewal windows, expansion, churn, onboarding."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from engine_builders import T0

from l2o.domain import Account, Contract, SupportTicket, UsageRecord
from l2o.engine import LifecycleRules, account_facts, render
from l2o.spec import ArchitectureSpec


def customer() -> tuple[Account, list[Contract], list[UsageRecord], list[SupportTicket]]:
    account = Account(name="Globex", employees=900, custom_fields={"executive_sponsor_id": "c-1"})
    contract = Contract(
        account_id=account.id,
        start_date=date(2024, 6, 1),
        end_date=date(2025, 5, 31),
        arr=Decimal(120000),
    )
    usage = [
        UsageRecord(
            account_id=account.id,
            metric="active_users",
            quantity=Decimal(q),
            licensed_seats=100,
            occurred_at=T0 - timedelta(days=d),
        )
        for q, d in ((80, 100), (80, 70), (80, 40), (95, 5))
    ]
    tickets = [SupportTicket(account_id=account.id, created_at=T0 - timedelta(days=2))]
    return account, [contract], usage, tickets


def test_account_facts_are_computed_as_defined() -> None:
    account, contracts, usage, tickets = customer()
    facts = account_facts(
        account, contracts=contracts, usage=usage, tickets=tickets, as_of=T0, nps=40
    )
    assert facts["arr"] == Decimal(120000)
    assert facts["renewal_date"] == date(2025, 5, 31)
    assert facts["customer_since"] == date(2024, 6, 1)
    assert (facts["seats_purchased"], facts["seats_active"]) == (100, 95.0)
    assert round(facts["product_usage"], 1) == 118.8  # 95 against a prior mean of 80
    assert facts["open_support_tickets"] == 1


def test_health_score_weights_scaled_components(revenue_machine: ArchitectureSpec) -> None:
    account, contracts, usage, tickets = customer()
    facts = account_facts(
        account, contracts=contracts, usage=usage, tickets=tickets, as_of=T0, nps=40
    )
    health = LifecycleRules(revenue_machine).health_score(account, derived=facts)
    # usage 100 x35, seats 95 x25, support 80 x15, nps 70 x15, sponsor 100 x10
    assert health.score == 35 + 23.75 + 12 + 10.5 + 10
    assert health.band == "healthy"
    assert health.coverage == 1.0
    assert "support: open_support_tickets 1 -> 80/100 x 15%" in render(health.reasons)


def test_health_without_data_is_reweighted_and_says_so(revenue_machine: ArchitectureSpec) -> None:
    account = Account(name="New")
    derived = {"product_usage": 20.0, "seats_active": None, "open_support_tickets": 0, "nps": None}
    health = LifecycleRules(revenue_machine).health_score(account, derived=derived)
    assert health.coverage == 0.6
    assert health.score is not None
    assert round(health.score, 2) == round((20 * 35 + 100 * 15 + 0 * 10) / 60, 2)
    assert health.band == "at_risk"
    assert "seat_utilisation: seats_active unknown, left out" in render(health.reasons)
    risks = LifecycleRules(revenue_machine).churn_risks(account, derived=derived, health=health)
    assert [r.signal for r in risks] == ["usage_drop", "sponsor_left", "health_at_risk"]


def test_renewal_windows(revenue_machine: ArchitectureSpec) -> None:
    _account, contracts, _, _ = customer()
    rules = LifecycleRules(revenue_machine)
    early = rules.renewals_due(contracts, today=date(2025, 1, 1))
    at_120 = rules.renewals_due(contracts, today=date(2025, 2, 1))
    at_90 = rules.renewals_due(contracts, today=date(2025, 3, 5), open_renewals={contracts[0].id})
    assert early == ()
    assert (at_120[0].window_days, at_120[0].open_opportunity, at_120[0].pipeline) == (
        120,
        True,
        "renewal",
    )
    assert (at_90[0].window_days, at_90[0].open_opportunity) == (90, False)
    assert "90-day window reached, renewal already open" in at_90[0].reason.text


def test_expansion_triggers_read_derived_and_previous_values(
    revenue_machine: ArchitectureSpec,
) -> None:
    account = Account(name="G", employees=1200)
    rules = LifecycleRules(revenue_machine)
    derived = {"seats_active": 92.0, "health_score": 80}
    signals = rules.expansion_signals(account, derived=derived, previous={"employees": 900})
    assert [s.trigger for s in signals] == ["seats_nearly_full", "healthy_and_growing"]
    assert signals[1].pipeline == "expansion"
    quiet = rules.expansion_signals(
        account, derived={"seats_active": 50.0}, previous={"employees": 1200}
    )
    assert quiet == ()


def test_onboarding_milestones_become_tasks(revenue_machine: ArchitectureSpec) -> None:
    account = Account(name="G")
    tasks = LifecycleRules(revenue_machine).onboarding_tasks(account, closed_at=T0)
    assert next((t.title, t.assignee, t.due_on) for t in tasks) == (
        "Kickoff call held",
        "role:csm",
        date(2025, 3, 10),
    )
    assert len(tasks) == 3
