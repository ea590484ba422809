"""Deal coaching: actions from missing criteria, stalls and win drivers (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from l2o.analytics.coaching import (
    DealState,
    GateGap,
    StageVisits,
    StallState,
    WinDrivers,
    coach_deal,
)

DEAL = DealState("OP-1", "Globex", "u1", "new_business", "discovery", "qualification", 50_000.0)


def _visits() -> StageVisits:
    """40 closed deals reached discovery: 20 quick ones (5 days, 15 won), 20 slow ones
    (60 days, 5 won); half of each from referrals."""
    days = np.r_[np.full(20, 5.0), np.full(20, 60.0)]
    won = np.r_[np.arange(20) < 15, np.arange(20) < 5]
    source = np.array(["referral", "paid"] * 20, dtype=object)
    return StageVisits(
        stage=np.full(40, "discovery", dtype=object),
        days_in_stage=days,
        won=won,
        attributes={"lead_source": source},
    )


def test_stage_rate_and_time_in_stage_driver_by_hand():
    drivers = WinDrivers(min_deals=10).fit(_visits())
    assert drivers.stage_rate_["discovery"] == pytest.approx(0.5)
    outlook = drivers.explain("discovery", 30.0, {"lead_source": "referral"})
    # still in discovery after 30 days: the 20 slow deals, 5 won.
    assert outlook.probability == pytest.approx(0.25)
    time = next(d for d in outlook.drivers if d.factor == "days in stage")
    assert (time.win_rate, time.lift, time.deals) == (0.25, 0.5, 20)


def test_too_few_closed_deals_give_no_probability():
    outlook = WinDrivers(min_deals=50).fit(_visits()).explain("discovery", 1.0, {})
    assert outlook.probability is None
    assert "insufficient evidence" in outlook.basis


def test_actions_name_the_missing_criteria_first_then_the_stall_then_weak_drivers():
    gaps = [
        GateGap("discovery", "exit", "next_step", "next_step is empty"),
        GateGap("discovery", "exit", "qualification metrics", "metrics not confirmed"),
    ]
    stall = StallState("discovery", 30.0, 21, True, "30 days in discovery, limit 21: stalled")
    outlook = WinDrivers(min_deals=10).fit(_visits()).explain("discovery", 30.0, {})
    coaching = coach_deal(DEAL, gaps, stall, outlook)
    kinds = [a.kind for a in coaching.actions]
    assert kinds == ["criterion", "criterion", "stall", "win_driver"]
    assert "next_step is empty" in coaching.actions[0].text
    assert "qualification metrics" in coaching.actions[1].text
    assert "9 days over" in coaching.actions[2].text
    assert "25%" in coaching.actions[3].text
    assert [a.priority for a in coaching.actions] == sorted(a.priority for a in coaching.actions)


def test_a_ready_deal_within_its_limit_has_nothing_to_do():
    stall = StallState("discovery", 3.0, 21, False, "3 days in discovery, limit 21: within limit")
    outlook = WinDrivers(min_deals=10).fit(_visits()).explain("discovery", 3.0, {})
    assert coach_deal(DEAL, [], stall, outlook).actions == ()
