"""ICP evidence: are fit fields recorded, and does the won revenue come from the top tier?"""

from __future__ import annotations

import numpy as np

from l2o.assess.evidence._measure import share_of
from l2o.assess.evidence.facts import EvidenceFacts
from l2o.assess.evidence.policy import Policy
from l2o.assess.results import MetricValue

__all__ = ["icp_metrics", "top_tier_mask"]


def top_tier_mask(tiers: np.ndarray, policy: Policy) -> np.ndarray:
    """Which recorded tiers are top tier: the spec's rank-1 tiers, else the first by name."""
    recorded = np.array([t is not None and t != "" for t in tiers], dtype=bool)
    top = set(policy.top_tiers)
    if not top and recorded.any():
        top = {min(str(t) for t in tiers[recorded])}
    chosen: np.ndarray = recorded & np.array([t in top for t in tiers], dtype=bool)
    return chosen


def icp_metrics(facts: EvidenceFacts, policy: Policy) -> list[MetricValue]:
    """The ICP metrics: fields populated, tier recorded, top-tier revenue, win-rate lift."""
    accounts, deals = facts.accounts, facts.deals
    metrics = [
        share_of("icp_fields_populated_share", accounts.with_icp_fields, accounts.total),
        share_of("icp_tier_recorded_share", accounts.with_tier, accounts.total),
    ]
    new = deals.kind == "new"
    tiered = new & np.array([t is not None and t != "" for t in deals.tier], dtype=bool)
    top = top_tier_mask(deals.tier, policy) & new
    won = tiered & deals.is_won
    won_revenue = float(deals.amount[won].sum())
    metrics.append(
        MetricValue(
            "top_tier_won_revenue_share",
            float(deals.amount[won & top].sum()) / won_revenue if won_revenue > 0 else None,
            int(won.sum()),
        )
    )
    closed = tiered & deals.is_closed
    top_closed, other_closed = closed & top, closed & ~top
    lift = None
    if top_closed.any() and other_closed.any():
        top_rate = deals.is_won[top_closed].mean()
        other_rate = deals.is_won[other_closed].mean()
        lift = float(top_rate / other_rate) if other_rate > 0 else None
    metrics.append(MetricValue("icp_win_rate_lift", lift, int(closed.sum())))
    return metrics
