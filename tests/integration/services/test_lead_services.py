"""Leads through the real store: scoring on every touch, lifecycle stages with their times,
routing with "why this owner" stored, pool state across leads, capacity and working hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import yaml
from revenue_builders import EXAMPLES, T0
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.services.bootstrap import RevenueSystem
from l2o.services.leads import add_lead, assignments_of, log_touchpoint, route_lead
from l2o.spec import load_spec
from l2o.store import SqlAlchemyUnitOfWork

SDRS = {
    "maya.chen@northwind.example": "Maya",
    "luis.ortiz@northwind.example": "Luis",
    "priya.nair@northwind.example": "Priya",
    "jonas.weber@northwind.example": "Jonas",
    "claire.martin@northwind.example": "Claire",
}


def seed_sdrs(engine: Engine) -> dict[str, str]:
    """The example's pool members as users; their ids by email."""
    users = [d.User(name=name, email=email, role=d.UserRole.SDR) for email, name in SDRS.items()]
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        for user in users:
            uow.users.add(user)
        uow.commit()
    return {u.email or "": u.id for u in users}


def spec_with(**changes: Any) -> Any:
    data = yaml.safe_load((EXAMPLES / "revenue-machine.yaml").read_text())
    for pool in data["signals"]["routing"]["pools"]:
        for member in pool["members"]:
            member.update(changes)
    return load_spec(data)


def _lead(country: str = "US", **extra: Any) -> d.AddLead:
    return d.AddLead(
        at=T0, email=f"{extra.pop('name', 'ana')}@nowhere.example", country=country, **extra
    )


def test_a_new_lead_is_scored_routed_and_the_why_is_stored(
    system: RevenueSystem, engine: Engine
) -> None:
    sdrs = seed_sdrs(engine)
    outcome = add_lead(system, _lead(title="Head of Data"))
    assert (outcome.score.fit, outcome.status) == (30.0, d.LeadStatus.NEW)
    assert outcome.routed is not None
    assignment = outcome.routed.assignment
    assert assignment.owner_id == sdrs["maya.chen@northwind.example"]
    assert (assignment.rule, assignment.pool, assignment.pointer) == ("north_america", "sdr_na", 0)
    assert "pool sdr_na: maya.chen@northwind.example is next in rotation" in assignment.why
    assert {"rule": "existing_customer", "owner": None, "why_not": "not account_id is set"} in (
        assignment.alternatives
    )
    [stored] = assignments_of(system, outcome.lead_id)
    assert stored.why == assignment.why
    assert stored.alternatives == assignment.alternatives
    with system.unit_of_work() as uow:
        lead = uow.leads.get(outcome.lead_id)
        assert (lead.owner_id, lead.routed_at) == (assignment.owner_id, T0)
        assert uow.routing_state.get(d.ROUTING_STATE_ID).pointers == {"sdr_na": 1}
        assert [m.event_type for m in uow.outbox.list()] == ["LeadRouted"]


def test_the_rotation_continues_across_leads_by_weight(
    system: RevenueSystem, engine: Engine
) -> None:
    sdrs = seed_sdrs(engine)
    names = {v: k.split(".")[0] for k, v in sdrs.items()}
    owners = [
        names[add_lead(system, _lead(name=f"l{i}")).routed.assignment.owner_id]  # type: ignore[union-attr,index]
        for i in range(5)
    ]
    assert owners == ["maya", "priya", "luis", "maya", "priya"]


def test_routing_never_assigns_beyond_capacity(engine: Engine) -> None:
    seed_sdrs(engine)
    system = RevenueSystem.build(spec_with(daily_capacity=1), engine, clock=lambda: T0)
    routed = [add_lead(system, _lead(name=f"l{i}")).routed for i in range(4)]
    owners = [r.assignment.owner_id for r in routed if r is not None]
    assert len(set(owners[:3])) == 3
    assert owners[3] is None
    fourth = routed[3]
    assert fourth is not None
    assert fourth.assignment.why == "no routing rule could assign the lead: it needs a person"
    assert {a["why_not"] for a in fourth.assignment.alternatives} >= {"at capacity 1/1 today"}
    # A new day starts the loads again.
    tomorrow = route_lead(
        system, d.RouteLead(lead_id=fourth.assignment.lead_id, at=T0 + timedelta(days=1))
    )
    assert tomorrow.assignment.owner_id is not None


def test_working_hours_from_the_spec_are_respected(system: RevenueSystem, engine: Engine) -> None:
    sdrs = seed_sdrs(engine)
    monday = add_lead(system, _lead("DE"))
    assert monday.routed is not None
    assert monday.routed.assignment.owner_id == sdrs["jonas.weber@northwind.example"]
    saturday = T0 + timedelta(days=5)
    routed = add_lead(system, d.AddLead(at=saturday, email="x@nowhere.example", country="DE"))
    assert routed.routed is not None
    assignment = routed.routed.assignment
    assert assignment.rule == "everyone_else"
    assert {
        "rule": "emea",
        "owner": "jonas.weber@northwind.example",
        "why_not": "outside working hours (08:00-18:00 Europe/Berlin)",
    } in assignment.alternatives


def test_touches_rescore_and_move_the_lead_to_mql_with_the_time_it_happened(
    system: RevenueSystem, engine: Engine
) -> None:
    seed_sdrs(engine)
    outcome = add_lead(system, _lead(title="VP Data", route=False))
    assert outcome.routed is None
    touched = log_touchpoint(
        system, d.LogTouchpoint(lead_id=outcome.lead_id, touch_type="demo_request", at=T0)
    )
    assert (touched.score.total, touched.status) == (70.0, d.LeadStatus.MQL)
    assert touched.stages_reached == ("mql",)
    assert touched.routed is not None  # an MQL without an owner is routed
    with system.unit_of_work() as uow:
        lead = uow.leads.get(outcome.lead_id)
        assert (lead.mql_at, lead.fit_score, lead.engagement_score) == (T0, 30.0, 40.0)
        events = [m.event_type for m in uow.outbox.list()]
        assert events == ["LeadStageReached", "SequenceEnrolled", "NotificationQueued",
                          "LeadRouted"]  # fmt: skip
    # Decay never moves a lead back.
    later = log_touchpoint(
        system,
        d.LogTouchpoint(lead_id=outcome.lead_id, touch_type="email_click", at=T0 + timedelta(90)),
    )
    assert later.status == d.LeadStatus.MQL
    assert later.score.engagement < 40


def test_an_unknown_pool_member_is_a_clear_refusal(system: RevenueSystem) -> None:
    from l2o.services.errors import CommandRefused

    with pytest.raises(CommandRefused, match=r"maya\.chen@northwind\.example, who is not a user"):
        add_lead(system, _lead())
    with system.unit_of_work() as uow:
        assert uow.leads.count() == 0  # the lead and its routing are one transaction
