"""The worker's timers: each finding reaches the outbox once, however often the timers run."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.engine import EngineRules, PlannedNotification
from l2o.services.delivery import list_messages
from l2o.services.lifecycle import renewal_opportunity_id
from l2o.services.timers import queue_notification, run_timers
from l2o.spec import load_spec
from l2o.store import SqlAlchemyUnitOfWork

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
NOW = datetime(2025, 6, 2, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def rules() -> EngineRules:
    return EngineRules.from_spec(load_spec(EXAMPLES / "revenue-machine.yaml"))


def events(engine: Engine, event_type: str) -> list[d.OutboxMessage]:
    return [m for m in list_messages(engine, limit=500) if m.event_type == event_type]


def published(runs: list, job: str) -> int:  # type: ignore[type-arg]
    return next(run.published for run in runs if run.job == job)


def test_an_untouched_mql_past_its_sla_is_reported_once(engine: Engine, rules: EngineRules) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        late = uow.leads.add(
            d.Lead(
                email="late@example.com",
                status=d.LeadStatus.MQL,
                mql_at=NOW - timedelta(minutes=40),
                created_at=NOW - timedelta(days=1),
            )
        )
        uow.leads.add(
            d.Lead(
                email="fresh@example.com",
                status=d.LeadStatus.MQL,
                mql_at=NOW - timedelta(minutes=5),
                created_at=NOW - timedelta(days=1),
            )
        )
        uow.leads.add(
            d.Lead(
                email="touched@example.com",
                status=d.LeadStatus.MQL,
                mql_at=NOW - timedelta(hours=2),
                first_touch_at=NOW - timedelta(hours=1),
                created_at=NOW - timedelta(days=1),
            )
        )
        uow.commit()
    first = run_timers(engine, rules, now=NOW)
    again = run_timers(engine, rules, now=NOW + timedelta(minutes=1))
    assert published(first, "sla_breaches") == 1
    assert published(again, "sla_breaches") == 0
    [breach] = events(engine, "LeadSlaBreached")
    assert breach.payload["lead_id"] == late.id
    assert breach.payload["sla"] == "mql_first_touch"
    assert breach.payload["reroute"] is True
    assert breach.payload["escalate_to"] == "sdr_manager"
    assert breach.payload["minutes_over"] == 25.0


def test_a_stalled_deal_is_flagged_and_reported_once(engine: Engine, rules: EngineRules) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        stuck = uow.opportunities.add(
            d.Opportunity(
                name="Stuck",
                pipeline="new_business",
                stage="discovery",
                stage_entered_at=NOW - timedelta(days=30),
            )
        )
        uow.opportunities.add(
            d.Opportunity(
                name="Moving",
                pipeline="new_business",
                stage="discovery",
                stage_entered_at=NOW - timedelta(days=3),
            )
        )
        uow.commit()
    assert published(run_timers(engine, rules, now=NOW), "stalled_deals") == 1
    assert published(run_timers(engine, rules, now=NOW), "stalled_deals") == 0
    [stall] = events(engine, "OpportunityStalled")
    assert stall.payload["opportunity_id"] == stuck.id
    assert stall.payload["reason"] == "30 days in discovery, limit 21: stalled"
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.opportunities.get(stuck.id).stalled_at == NOW
        assert any(e.field == "stalled_at" for e in uow.audit.for_record("Opportunity", stuck.id))


def test_a_renewal_window_is_reported_once_per_window(engine: Engine, rules: EngineRules) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        account = uow.accounts.add(d.Account(name="Acme"))
        contract = uow.contracts.add(
            d.Contract(
                account_id=account.id,
                start_date=date(2024, 9, 1),
                end_date=NOW.date() + timedelta(days=100),
                arr=Decimal("120000"),
            )
        )
        uow.commit()
    assert published(run_timers(engine, rules, now=NOW), "renewal_windows") == 1
    assert published(run_timers(engine, rules, now=NOW), "renewal_windows") == 0
    later = NOW + timedelta(days=15)  # 85 days left: the 90-day window
    assert published(run_timers(engine, rules, now=later), "renewal_windows") == 1
    windows = [m.payload for m in events(engine, "RenewalWindowReached")]
    assert [(p["contract_id"], p["window_days"]) for p in windows] == [
        (contract.id, 120),
        (contract.id, 90),
    ]
    assert windows[0]["open_opportunity"] is True


def test_notifications_wait_for_the_digest_of_their_period(engine: Engine) -> None:
    def notify(to: tuple[str, ...], text: str) -> None:
        with SqlAlchemyUnitOfWork(engine) as uow:
            queue_notification(
                uow, PlannedNotification("wf", to, "email", text, "Opportunity", "opp-1")
            )
            uow.commit()

    notify(("user:u-1", "role:sales_manager"), "deal moved")
    notify(("user:u-1",), "deal stalled")
    every = timedelta(hours=1)
    now = datetime.now(UTC)
    assert (
        published(run_timers(engine, None, digest_every=every, now=now), "notification_digests")
        == 0
    )
    later = now + every
    runs = run_timers(engine, None, digest_every=every, now=later)
    assert published(runs, "notification_digests") == 2
    assert (
        published(run_timers(engine, None, digest_every=every, now=later), "notification_digests")
        == 0
    )
    digests = {m.payload["recipient"]: m.payload for m in events(engine, "NotificationDigest")}
    assert [n["message"] for n in digests["user:u-1"]["notifications"]] == [
        "deal moved",
        "deal stalled",
    ]
    assert len(digests["role:sales_manager"]["notifications"]) == 1
    assert all(m.status == d.OutboxStatus.DELIVERED for m in events(engine, "NotificationQueued"))


def test_a_breach_asking_for_it_is_rerouted_once_without_the_late_owner(
    engine: Engine, rules: EngineRules
) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        sdrs = [
            uow.users.add(d.User(name=name, email=f"{name}@northwind.example", role=d.UserRole.SDR))
            for name in ("maya.chen", "luis.ortiz", "priya.nair")
        ]
        late = uow.leads.add(
            d.Lead(
                email="late@example.com",
                country="US",
                status=d.LeadStatus.MQL,
                owner_id=sdrs[0].id,
                mql_at=NOW - timedelta(minutes=40),
                created_at=NOW - timedelta(days=1),
            )
        )
        uow.commit()
    assert published(run_timers(engine, rules, now=NOW), "sla_breaches") == 1
    assert published(run_timers(engine, rules, now=NOW + timedelta(minutes=5)), "sla_breaches") == 0
    with SqlAlchemyUnitOfWork(engine) as uow:
        lead = uow.leads.get(late.id)
        [assignment] = uow.assignments.list(lead_id=late.id)
    assert lead.owner_id not in (None, sdrs[0].id)
    assert (assignment.trigger, assignment.owner_id, assignment.pool) == (
        "reroute",
        lead.owner_id,
        "sdr_na",
    )
    assert any("excluded" in a["why_not"] for a in assignment.alternatives)
    [breach] = events(engine, "LeadSlaBreached")
    assert breach.payload["owner_id"] == sdrs[0].id
    [routed] = events(engine, "LeadRouted")
    assert routed.payload["trigger"] == "reroute"
    # the spec's sla_breached workflow told the escalation role, in the same transaction
    [note] = events(engine, "NotificationQueued")
    assert note.payload["to"] == ["role:sdr_manager"]


def test_stalls_are_flagged_through_the_deals_service(engine: Engine, rules: EngineRules) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        owner = uow.users.add(d.User(name="Rita", email="rita@northwind.example"))
        big = uow.opportunities.add(
            d.Opportunity(
                name="Big and stuck",
                owner_id=owner.id,
                amount=Decimal(80000),
                pipeline="new_business",
                stage="discovery",
                stage_entered_at=NOW - timedelta(days=30),
            )
        )
        uow.commit()
    assert published(run_timers(engine, rules, now=NOW), "stalled_deals") == 1
    with SqlAlchemyUnitOfWork(engine) as uow:
        [task] = uow.tasks.list(related_id=big.id)  # the spec's stalled_deal_alert workflow
    assert (task.subject, task.owner_id) == ("Update next step and close date", owner.id)
    assert len(events(engine, "NotificationQueued")) == 1


def test_the_renewal_timer_opens_the_renewal_deal(engine: Engine, rules: EngineRules) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        account = uow.accounts.add(d.Account(name="Acme"))
        contract = uow.contracts.add(
            d.Contract(
                account_id=account.id,
                start_date=date(2024, 9, 1),
                end_date=NOW.date() + timedelta(days=100),
                arr=Decimal("120000"),
            )
        )
        uow.commit()
    run_timers(engine, rules, now=NOW)
    run_timers(engine, rules, now=NOW + timedelta(days=15))
    with SqlAlchemyUnitOfWork(engine) as uow:
        [deal] = uow.opportunities.list(account_id=account.id)
    assert deal.id == renewal_opportunity_id(contract.id)
    assert deal.opportunity_type == d.OpportunityType.RENEWAL
