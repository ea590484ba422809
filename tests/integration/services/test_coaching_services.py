"""Coaching over the store: the gate's missing criteria and the stall become actions."""

from __future__ import annotations

from datetime import timedelta

from revenue_builders import T0, Company

from l2o.services.bootstrap import RevenueSystem
from l2o.services.coaching import coach_deals


def test_an_unqualified_deal_is_told_what_its_gate_lacks(
    system: RevenueSystem, company: Company
) -> None:
    [coaching] = coach_deals(system, deal_id=company.deal.id, now=T0 + timedelta(days=3))
    assert coaching.deal.stage == "discovery"
    assert coaching.deal.next_stage is not None
    criteria = [a for a in coaching.actions if a.kind == "criterion"]
    assert criteria, "an unqualified deal must lack exit criteria"
    assert {g.detail for g in coaching.gaps} <= {a.text.split(": ", 1)[1] for a in criteria}
    assert any("next_step" in a.text for a in criteria)
    assert not any(a.kind == "stall" for a in coaching.actions)


def test_a_deal_left_past_its_stage_limit_is_told_it_stalled(
    system: RevenueSystem, company: Company
) -> None:
    [coaching] = coach_deals(system, now=T0 + timedelta(days=40))
    stall = [a for a in coaching.actions if a.kind == "stall"]
    assert coaching.stall is not None
    assert coaching.stall.stalled
    assert len(stall) == 1
    assert "discovery" in stall[0].text
    # no closed deals in the store: no win rate is invented
    assert coaching.outlook.probability is None
