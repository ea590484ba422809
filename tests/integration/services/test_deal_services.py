"""Deals through the real store: gates, overrides with role and reason, audit, outbox,
optimistic locking, stalls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from revenue_builders import QUALIFIED, T0, Company

from l2o import domain as d
from l2o.errors import StaleRecord
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import advance_opportunity, flag_stalled, move_opportunity
from l2o.services.errors import CommandRefused


def _move(company: Company, to: str, **extra: object) -> d.ChangeOpportunityStage:
    return d.ChangeOpportunityStage(
        opportunity_id=company.deal.id,
        to_stage=to,
        at=T0,
        **extra,  # type: ignore[arg-type]
    )


def test_a_refusal_names_the_deal_and_every_missing_criterion(
    system: RevenueSystem, company: Company
) -> None:
    with pytest.raises(CommandRefused) as refused:
        advance_opportunity(system, _move(company, "solution_validation"))
    error = refused.value
    assert error.record_type == "Opportunity"
    assert error.record_id == company.deal.id
    assert [r.text for r in error.reasons] == [
        "discovery: qualification identified_pain (Identified pain) not confirmed",
        "discovery: qualification metrics (Metrics) not confirmed",
        "discovery: next_step is empty",
    ]
    assert company.deal.id in str(error)
    assert "gate.discovery.exit" in str(error)
    with system.unit_of_work() as uow:
        assert uow.opportunities.get(company.deal.id).stage == "discovery"
        assert uow.outbox.count() == 0


def test_a_move_meeting_its_gate_writes_history_audit_and_outbox_together(
    system: RevenueSystem, company: Company
) -> None:
    with system.unit_of_work() as uow:
        deal = uow.opportunities.get(company.deal.id)
        deal.qualification = {"identified_pain": "churn", "metrics": "20%"}
        deal.next_step = "demo"
        uow.commit()
    move = advance_opportunity(
        system, _move(company, "solution_validation", requested_by=company.rep.id)
    )
    assert move.decision.criteria_met
    assert not move.decision.override_used
    with system.unit_of_work() as uow:
        deal = uow.opportunities.get(company.deal.id)
        assert (deal.stage, deal.probability) == ("solution_validation", 25)
        change = deal.stage_history[-1]
        assert (change.from_stage, change.criteria_met, change.changed_by) == (
            "discovery",
            True,
            company.rep.id,
        )
        trail = uow.audit.for_record("Opportunity", deal.id)
        assert {(e.field, e.changed_by) for e in trail if e.field == "stage"} == {
            ("stage", company.rep.id)
        }
        events = [m.event_type for m in uow.outbox.list()]
        assert events == ["OpportunityStageChanged"]


def test_an_override_needs_a_permitted_role_held_by_the_person_and_is_audited(
    system: RevenueSystem, company: Company
) -> None:
    with pytest.raises(CommandRefused, match="may not override gates of pipeline new_business"):
        advance_opportunity(
            system, _move(company, "solution_validation", override_role="ae", override_reason="x")
        )
    with pytest.raises(CommandRefused, match="does not hold the sales_manager role"):
        advance_opportunity(
            system,
            _move(
                company,
                "solution_validation",
                override_role="sales_manager",
                override_reason="customer insists",
                requested_by=company.rep.id,
            ),
        )
    with pytest.raises(CommandRefused, match="needs a reason"):
        advance_opportunity(
            system,
            _move(
                company,
                "solution_validation",
                override_role="sales_manager",
                override_reason="  ",
                requested_by=company.manager.id,
            ),
        )
    move = advance_opportunity(
        system,
        _move(
            company,
            "solution_validation",
            override_role="sales_manager",
            override_reason="board-level sponsor, qualification follows",
            requested_by=company.manager.id,
        ),
    )
    assert move.decision.override_used
    assert not move.decision.criteria_met
    with system.unit_of_work() as uow:
        change = uow.opportunities.get(company.deal.id).stage_history[-1]
        assert (change.criteria_met, change.override_role) == (False, "sales_manager")
        assert change.override_reason == "board-level sponsor, qualification follows"
        [audit] = [
            e
            for e in uow.audit.for_record("Opportunity", company.deal.id)
            if e.field == "stage_gate_override"
        ]
        assert audit.changed_by == company.manager.id
        assert isinstance(audit.new_value, dict)
        assert audit.new_value["role"] == "sales_manager"
        assert "discovery: next_step is empty" in audit.new_value["waived"]


def test_two_people_moving_the_same_deal_the_second_gets_stale_record(
    system: RevenueSystem, company: Company
) -> None:
    with system.unit_of_work() as uow:
        deal = uow.opportunities.get(company.deal.id)
        deal.qualification = dict(QUALIFIED)
        deal.next_step = "demo"
        uow.commit()
    second = system.unit_of_work(company.manager.id)

    def lose_after_someone_else_moved_it() -> None:
        with second:
            second.opportunities.get(company.deal.id)  # read before the other commits
            advance_opportunity(system, _move(company, "solution_validation"))
            move_opportunity(second, system, _move(company, "closed_lost", loss_reason="budget"))
            second.commit()

    with pytest.raises(StaleRecord) as stale:
        lose_after_someone_else_moved_it()
    assert stale.value.record_id == company.deal.id
    with system.unit_of_work() as uow:
        deal = uow.opportunities.get(company.deal.id)
        assert deal.stage == "solution_validation"
        assert not deal.is_closed
        assert [c.to_stage for c in deal.stage_history] == ["solution_validation"]
        assert [m.event_type for m in uow.outbox.list()] == ["OpportunityStageChanged"]


def test_closing_won_fires_workflows_and_onboarding_tasks(
    system: RevenueSystem, company: Company
) -> None:
    with system.unit_of_work() as uow:
        deal = uow.opportunities.get(company.deal.id)
        deal.stage = "negotiation"
        deal.qualification = dict(QUALIFIED)
        deal.custom_fields = {"security_review_done": True}
        uow.commit()
    with pytest.raises(CommandRefused) as refused:
        advance_opportunity(system, _move(company, "closed_won"))
    assert [r.text for r in refused.value.reasons] == [
        "negotiation: no approved_quote",
        "closed_won: no signed_order_form",
    ]
    move = advance_opportunity(
        system,
        _move(
            company,
            "closed_won",
            override_role="vp_sales",
            override_reason="signed on paper",
            requested_by=company.vp.id,
        ),
    )
    assert set(move.workflows) == {"closed_won_hand_off"}
    with system.unit_of_work() as uow:
        deal = uow.opportunities.get(company.deal.id)
        assert deal.is_closed
        assert deal.is_won
        assert deal.next_step == "Onboarding"
        subjects = sorted(t.subject for t in uow.tasks.list())
        assert subjects == [
            "50% of seats active",
            "First production dashboard",
            "Kickoff call held",
            "Schedule onboarding kickoff",
        ]
        assert [m.event_type for m in uow.outbox.list()] == [
            "OpportunityStageChanged",
            "OpportunityClosed",
            "WebhookDelivery",
        ]


def test_stalled_deals_are_flagged_once_per_stage(system: RevenueSystem, company: Company) -> None:
    later = T0 + timedelta(days=30)
    first = flag_stalled(system, now=later)
    assert [(f.opportunity_id, f.new) for f in first] == [(company.deal.id, True)]
    assert first[0].check.reason.text == "30 days in discovery, limit 21: stalled"
    again = flag_stalled(system, now=later + timedelta(days=1))
    assert [f.new for f in again] == [False]
    with system.unit_of_work() as uow:
        assert uow.opportunities.get(company.deal.id).stalled_at == later
        assert [m.event_type for m in uow.outbox.list()] == ["OpportunityStalled"]
