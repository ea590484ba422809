"""Cost of the gap (pure): money per year the architecture gap costs, every number shown.

Each component states its formula as text and the inputs it was computed from, so a reader
can redo the sum; a component the data cannot support is listed under ``not_measured``
with the reason, never estimated::

    cost = cost_of_gap(facts, policy)
    cost.to_json()["components"][0]   # {"name", "amount", "formula", "inputs"}

- **discount leakage beyond policy**: on won quotes whose discount went past what a rep may
  give without approval, and had no approval, the list total times the excess discount;
- **conversion lost on non-ICP pipeline**: the non-ICP deals closed per year times the
  win-rate gap to ICP deals times the mean won ICP deal;
- **churned ARR above target**: the ARR of the customers of a year ago times how far gross
  revenue retention fell short of the target;
- **forecast miss**: the amount of deals that were forecast, had their close date pushed,
  and were then lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from l2o.assess.evidence.facts import EvidenceFacts
from l2o.assess.evidence.icp import top_tier_mask
from l2o.assess.evidence.lifecycle import retention
from l2o.assess.evidence.policy import Policy
from l2o.assess.evidence.pricing import out_of_policy

__all__ = ["CostComponent", "CostOfGap", "cost_of_gap"]

MIN_DEALS = 20
"""Closed deals each side of a comparison needs before a win-rate gap is costed."""


@dataclass(frozen=True)
class CostComponent:
    """One part of the cost: its amount per year, formula and the inputs it used."""

    name: str
    amount: float
    formula: str
    inputs: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The component as in ``assessment.json``."""
        return {
            "name": self.name,
            "amount": round(self.amount, 2),
            "formula": self.formula,
            "inputs": self.inputs,
        }


@dataclass(frozen=True)
class CostOfGap:
    """The components, their total per year and the currency; what could not be measured."""

    currency: str
    components: tuple[CostComponent, ...]
    not_measured: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """The sum of the components, per year."""
        return float(sum(c.amount for c in self.components))

    def to_json(self) -> dict[str, Any]:
        """The cost of the gap as in ``assessment.json``."""
        return {
            "total": round(self.total, 2),
            "currency": self.currency,
            "components": [c.to_json() for c in self.components],
            "not_measured": dict(self.not_measured),
        }


def cost_of_gap(facts: EvidenceFacts, policy: Policy) -> CostOfGap:
    """Every component the data supports (see the module docstring)."""
    components: list[CostComponent] = []
    missing: dict[str, str] = {}
    years = facts.years
    for measure in (_discount_leakage, _non_icp_conversion, _churn_above_target, _forecast_miss):
        name, result = measure(facts, policy, years)
        if isinstance(result, CostComponent):
            components.append(result)
        else:
            missing[name] = result
    return CostOfGap(facts.currency, tuple(components), missing)


def _per_year(years: float) -> float:
    return 1 / years if years > 0 else 0.0


def _discount_leakage(
    facts: EvidenceFacts, policy: Policy, years: float
) -> tuple[str, CostComponent | str]:
    name = "discount_leakage_beyond_policy"
    q = facts.quotes
    if q.size == 0 or years <= 0:
        return name, "no quotes with discounts in the data"
    band = policy.approval_threshold_pct / 100
    leaking = q.won & out_of_policy(q.discount, policy) & ~q.approved
    excess = float((q.list_total[leaking] * (q.discount[leaking] - band)).sum())
    return name, CostComponent(
        name,
        excess * _per_year(years),
        "sum over won quotes beyond the rep's discount band without approval of "
        "list_total x (discount - band), divided by years of history",
        {
            "quotes_leaking": int(leaking.sum()),
            "won_quotes": int(q.won.sum()),
            "excess_discount_total": round(excess, 2),
            "band_pct": policy.approval_threshold_pct,
            "band_source": policy.sources.get("approval_threshold_pct", "default"),
            "years": round(years, 2),
        },
    )


def _non_icp_conversion(
    facts: EvidenceFacts, policy: Policy, years: float
) -> tuple[str, CostComponent | str]:
    name = "conversion_lost_on_non_icp_pipeline"
    d = facts.deals
    new = d.kind == "new"
    tiered = new & np.array([t is not None for t in d.tier], dtype=bool)
    top = top_tier_mask(d.tier, policy) & new
    closed_top, closed_other = tiered & top & d.is_closed, tiered & ~top & d.is_closed
    if closed_top.sum() < MIN_DEALS or closed_other.sum() < MIN_DEALS or years <= 0:
        return name, "too few closed deals with a recorded ICP tier on each side"
    top_rate = float(d.is_won[closed_top].mean())
    other_rate = float(d.is_won[closed_other].mean())
    won_top = closed_top & d.is_won
    mean_won = float(d.amount[won_top].mean()) if won_top.any() else 0.0
    per_year = float(closed_other.sum()) * _per_year(years)
    amount = per_year * max(top_rate - other_rate, 0.0) * mean_won
    return name, CostComponent(
        name,
        amount,
        "non-ICP deals closed per year x max(ICP win rate - non-ICP win rate, 0) "
        "x mean won ICP deal amount",
        {
            "non_icp_deals_closed_per_year": round(per_year, 1),
            "icp_win_rate": round(top_rate, 4),
            "non_icp_win_rate": round(other_rate, 4),
            "mean_won_icp_deal": round(mean_won, 2),
        },
    )


def _churn_above_target(
    facts: EvidenceFacts, policy: Policy, years: float
) -> tuple[str, CostComponent | str]:
    name = "churned_arr_above_target"
    grr, _, customers = retention(facts)
    if grr is None or customers < MIN_DEALS:
        return name, "too few customers a year ago to measure retention"
    base = float(facts.renewals.arr_then.sum())
    amount = base * max(policy.grr_target - grr, 0.0)
    return name, CostComponent(
        name,
        amount,
        "ARR of the customers of a year ago x max(GRR target - GRR, 0)",
        {
            "arr_a_year_ago": round(base, 2),
            "grr": round(grr, 4),
            "grr_target": policy.grr_target,
            "grr_target_source": policy.sources.get("grr_target", "default"),
            "customers": customers,
        },
    )


def _forecast_miss(
    facts: EvidenceFacts, policy: Policy, years: float
) -> tuple[str, CostComponent | str]:
    name = "forecast_miss"
    d = facts.deals
    if d.close_date_changes == 0 or years <= 0:
        return name, "no close-date history in the data"
    missed = d.is_closed & ~d.is_won & d.close_date_pushed
    amount = float(d.amount[missed].sum())
    return name, CostComponent(
        name,
        amount * _per_year(years),
        "amount of deals whose close date was pushed and that were then lost, "
        "divided by years of history",
        {
            "deals": int(missed.sum()),
            "amount_total": round(amount, 2),
            "years": round(years, 2),
        },
    )
