"""Workflows: which fire for an event and record, and the actions they plan, as data."""

from __future__ import annotations

from decimal import Decimal

from engine_builders import T0, build_spec

from l2o.domain import Lead, LeadStatus, Opportunity
from l2o.engine import (
    PlannedEnrolment,
    PlannedFieldUpdate,
    PlannedNotification,
    PlannedTask,
    PlannedWebhook,
    WorkflowRules,
)
from l2o.spec import ArchitectureSpec


def test_stalled_deal_alert_fires_on_big_deals_only(revenue_machine: ArchitectureSpec) -> None:
    rules = WorkflowRules(revenue_machine)
    big = Opportunity(name="Big", stage="discovery", owner_id="u1", amount=Decimal(80000))
    small = Opportunity(name="Small", stage="discovery", owner_id="u1", amount=Decimal(5000))
    plan = rules.fire("opportunity", "stalled", big, today=T0.date())
    assert [run.workflow for run in plan.runs] == ["stalled_deal_alert"]
    notify, task = plan.actions
    assert isinstance(notify, PlannedNotification)
    assert notify.to == ("user:u1", "role:sales_manager")
    assert isinstance(task, PlannedTask)
    assert (task.assignee, task.due_on.isoformat()) == ("user:u1", "2025-03-04")
    quiet = rules.fire("opportunity", "stalled", small, today=T0.date())
    assert quiet.runs == ()
    assert "not amount >= 50000 or forecast_category = 'commit'" in quiet.not_fired[0].text


def test_closed_won_plans_task_field_update_and_webhook(revenue_machine: ArchitectureSpec) -> None:
    deal = Opportunity(name="W", stage="closed_won")
    actions = (
        WorkflowRules(revenue_machine)
        .fire("opportunity", "closed_won", deal, today=T0.date())
        .actions
    )
    assert [type(a) for a in actions] == [PlannedTask, PlannedFieldUpdate, PlannedWebhook]
    assert isinstance(actions[2], PlannedWebhook)
    assert actions[2].event == "deal.closed_won"
    assert actions[2].record_id == deal.id


def test_mql_hand_off_enrols_the_lead(revenue_machine: ArchitectureSpec) -> None:
    lead = Lead(status=LeadStatus.MQL, owner_id=None)
    actions = (
        WorkflowRules(revenue_machine)
        .fire("lead", "lifecycle_stage_changed", lead, today=T0.date())
        .actions
    )
    assert isinstance(actions[0], PlannedEnrolment)
    assert actions[0].sequence == "mql_follow_up"
    assert isinstance(actions[1], PlannedNotification)
    assert actions[1].to == ("owner:unassigned",)


def test_field_changed_trigger_compares_with_previous_values() -> None:
    spec = build_spec(
        workflows={
            "workflows": [
                {
                    "id": "amount_moved",
                    "trigger": {
                        "record": "opportunity",
                        "event": "field_changed",
                        "field": "amount",
                    },
                    "actions": [{"type": "notify", "to": ["owner"], "message": "Amount changed"}],
                },
                {
                    "id": "off",
                    "enabled": False,
                    "trigger": {
                        "record": "opportunity",
                        "event": "field_changed",
                        "field": "amount",
                    },
                    "actions": [{"type": "notify", "to": ["owner"], "message": "never"}],
                },
            ]
        }
    )
    rules = WorkflowRules(spec)
    deal = Opportunity(name="D", stage="s", amount=Decimal(10))
    moved = rules.fire(
        "opportunity", "field_changed", deal, today=T0.date(), previous={"amount": Decimal(5)}
    )
    same = rules.fire(
        "opportunity", "field_changed", deal, today=T0.date(), previous={"amount": Decimal(10)}
    )
    listed = rules.fire(
        "opportunity", "field_changed", deal, today=T0.date(), changed_fields={"amount"}
    )
    assert [r.workflow for r in moved.runs] == ["amount_moved"]
    assert same.runs == ()
    assert [r.workflow for r in listed.runs] == ["amount_moved"]
