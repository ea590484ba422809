"""The proposed ICP: tiers from the firmographics that win, disqualifiers from those that lose.

Each industry, employee band and country with enough closed new-business deals is compared
with the overall win rate:

- it *stands out* (tier 1) when it wins at least ``STANDOUT_LIFT`` times the overall rate and
  brought at least ``MIN_REVENUE_SHARE`` of won revenue;
- it is a *good fit* (tier 2) when it wins at least ``GOOD_FIT_LIFT`` times the overall rate;
- it *loses* (a disqualifier) when it wins at most ``LOSING_LIFT`` times the overall rate.

A third tier with no criteria names everyone else. Criteria weights and personas are kept
from the current spec; its disqualifiers are kept and the data's are added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from l2o.assess.proposal.evidence import Evidence, count, money, share
from l2o.assess.proposal.facts import EmployeeBandOutcome, Outcome, ProposalFacts
from l2o.assess.proposal.thresholds import (
    GOOD_FIT_LIFT,
    LOSING_LIFT,
    MIN_ICP_DEALS,
    MIN_REVENUE_SHARE,
    MIN_SEGMENT_DEALS,
    STANDOUT_LIFT,
)
from l2o.spec.icp import IcpSpec

__all__ = ["propose_icp"]

_COUNTRY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class _Market:
    """The overall win rate and won revenue every value is compared with."""

    win_rate: float
    won_revenue: float
    currency: str

    def lift(self, outcome: Outcome) -> float:
        return outcome.win_rate / self.win_rate if self.win_rate else 0.0

    def describe(self, outcome: Outcome) -> str:
        return (
            f"{outcome.value}: won {count(outcome.won)} of {count(outcome.closed)} "
            f"({share(outcome.won, outcome.closed)} vs {self.win_rate:.0%} overall), "
            f"{money(outcome.won_revenue, self.currency)} won "
            f"({share(outcome.won_revenue, self.won_revenue)} of won revenue)"
        )


def propose_icp(
    facts: ProposalFacts,
    current: IcpSpec | None,
    current_data: dict[str, Any] | None,
    evidence: Evidence,
    currency: str,
) -> dict[str, Any] | None:
    """The ``icp`` section: derived tiers when the data allows, else the current one."""
    path = ("icp",)
    industries = _merge_spellings(facts.industries)
    countries = [o for o in facts.countries if _is_country_code(o.value)]
    bands = list(facts.employee_bands)
    closed = sum(o.closed for o in industries) or sum(b.won + b.lost for b in bands)
    won = sum(o.won for o in industries) or sum(b.won for b in bands)
    if closed < MIN_ICP_DEALS or won == 0:
        reason = (
            f"only {count(closed)} closed new-business deals with firmographics "
            f"(at least {MIN_ICP_DEALS} needed), so no tiers are derived"
        )
        if current_data is not None:
            evidence.note(path, f"ICP kept from the current spec: {reason}.")
            return current_data
        evidence.note(path, f"No ICP proposed: {reason}. Define tiers by hand.")
        return None
    revenue = sum(o.won_revenue for o in industries) or sum(b.won_revenue for b in bands)
    market = _Market(won / closed, revenue, currency)
    section: dict[str, Any] = dict(current_data or {})
    section.pop("tiers", None)
    tiers = _tiers(market, industries, bands, countries, evidence)
    section_tiers_path = (*path, "tiers")
    if tiers:
        section["tiers"] = tiers
        evidence.note(
            section_tiers_path,
            f"Tiers from {count(closed)} closed new-business deals, {count(won)} won "
            f"({market.win_rate:.0%} overall). A value stands out at >= {STANDOUT_LIFT:g}x the "
            f"overall win rate with >= {MIN_REVENUE_SHARE:.0%} of won revenue; a good fit at "
            f">= {GOOD_FIT_LIFT:g}x; values need >= {MIN_SEGMENT_DEALS} closed deals.",
        )
    disqualifiers = list(section.pop("disqualifiers", []))
    kept = len(disqualifiers)
    disqualifiers.extend(
        _disqualifiers(market, industries, bands, countries, {d["id"] for d in disqualifiers})
    )
    for index, item in enumerate(disqualifiers[kept:], start=kept):
        evidence.note((*path, "disqualifiers", index), item.pop("_why"))
    if disqualifiers:
        section["disqualifiers"] = disqualifiers
    if kept:
        evidence.note(
            (*path, "disqualifiers"), f"{kept} disqualifier(s) kept from the current spec."
        )
    if current is not None and current.personas:
        evidence.note((*path, "personas"), "Personas kept from the current spec.")
    return section or None


def _merge_spellings(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """Industries that differ only in case are one industry (the engine compares casefolded),
    named by the spelling most deals carry."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.value.strip():
            groups.setdefault(outcome.value.strip().casefold(), []).append(outcome)
    merged = []
    for group in groups.values():
        name = max(group, key=lambda o: (o.closed, o.value)).value.strip()
        merged.append(
            Outcome(
                name,
                sum(o.won for o in group),
                sum(o.lost for o in group),
                sum(o.won_revenue for o in group),
            )
        )
    return sorted(merged, key=lambda o: (-o.won_revenue, o.value))


def _is_country_code(value: str) -> bool:
    return len(value) == 2 and all(ch in _COUNTRY for ch in value)


def _enough(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.closed >= MIN_SEGMENT_DEALS]


def _standouts(market: _Market, outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [
        o
        for o in _enough(outcomes)
        if market.lift(o) >= STANDOUT_LIFT
        and market.won_revenue > 0
        and o.won_revenue / market.won_revenue >= MIN_REVENUE_SHARE
    ]


def _good_fits(market: _Market, outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in _enough(outcomes) if market.lift(o) >= GOOD_FIT_LIFT]


def _span(bands: Sequence[EmployeeBandOutcome]) -> dict[str, int] | None:
    if not bands:
        return None
    span: dict[str, int] = {}
    lows = [b.above for b in bands]
    highs = [b.up_to for b in bands]
    if None not in lows:
        span["above"] = min(low for low in lows if low is not None)
    if None not in highs:
        span["up_to"] = max(high for high in highs if high is not None)
    return span or None


def _criteria(
    market: _Market,
    industries: Sequence[Outcome],
    bands: Sequence[EmployeeBandOutcome],
    countries: Sequence[Outcome],
    pick: Any,
) -> tuple[dict[str, Any], list[str]]:
    criteria: dict[str, Any] = {}
    why: list[str] = []
    chosen = pick(market, industries)
    if chosen:
        criteria["industries"] = [o.value for o in chosen]
        why.extend(market.describe(o) for o in chosen)
    by_label = {b.label: b for b in bands}
    chosen_bands = [by_label[o.value] for o in pick(market, [b.as_outcome() for b in bands])]
    span = _span(chosen_bands)
    if span is not None:
        criteria["employees"] = span
        why.extend(market.describe(b.as_outcome()) for b in chosen_bands)
    chosen = pick(market, countries)
    if chosen:
        criteria["countries"] = [o.value for o in chosen]
        why.extend(market.describe(o) for o in chosen)
    return criteria, why


def _tiers(
    market: _Market,
    industries: Sequence[Outcome],
    bands: Sequence[EmployeeBandOutcome],
    countries: Sequence[Outcome],
    evidence: Evidence,
) -> list[dict[str, Any]]:
    strong, strong_why = _criteria(market, industries, bands, countries, _standouts)
    good, good_why = _criteria(market, industries, bands, countries, _good_fits)
    tiers: list[dict[str, Any]] = []
    for criteria, why, label, score in (
        (strong, strong_why, "Strong fit", 70),
        (good, good_why, "Good fit", 50),
    ):
        if not criteria or any(t["criteria"] == criteria for t in tiers):
            continue
        rank = len(tiers) + 1
        tier_id = f"tier_{rank}"
        tier_path = ("icp", "tiers", len(tiers))
        evidence.note(tier_path, f"{label} (rank {rank}):")
        for line in why:
            evidence.note(tier_path, f"  {line}")
        tiers.append(
            {
                "id": tier_id,
                "label": label,
                "rank": rank,
                "min_fit_score": score,
                "criteria": criteria,
            }
        )
    if tiers:
        evidence.note(("icp", "tiers", len(tiers)), "Everyone else: no criteria, lowest rank.")
        tiers.append({"id": "other", "label": "Other", "rank": len(tiers) + 1})
    return tiers


def _disqualifiers(
    market: _Market,
    industries: Sequence[Outcome],
    bands: Sequence[EmployeeBandOutcome],
    countries: Sequence[Outcome],
    taken: set[str],
) -> list[dict[str, Any]]:
    def losing(outcomes: Sequence[Outcome]) -> list[Outcome]:
        return [o for o in _enough(outcomes) if market.lift(o) <= LOSING_LIFT]

    found: list[dict[str, Any]] = []

    def add(item_id: str, reason: str, when: dict[str, Any], lost: Sequence[Outcome]) -> None:
        if item_id in taken:
            return
        why = "; ".join(market.describe(o) for o in lost)
        found.append({"id": item_id, "reason": reason, "when": when, "_why": f"Losing: {why}"})

    lost = losing(industries)
    if lost:
        names = [o.value for o in lost]
        add(
            "low_win_rate_industries",
            f"Industries winning at most {LOSING_LIFT:g}x the overall win rate",
            {"field": "industry", "operator": "in", "value": names},
            lost,
        )
    lost = losing(countries)
    if lost:
        add(
            "low_win_rate_countries",
            f"Countries winning at most {LOSING_LIFT:g}x the overall win rate",
            {"field": "country", "operator": "in", "value": [o.value for o in lost]},
            lost,
        )
    ordered = sorted(bands, key=lambda b: -1 if b.above is None else b.above)
    lost_labels = {o.value for o in losing([b.as_outcome() for b in ordered])}
    if ordered and ordered[0].label in lost_labels and ordered[0].up_to is not None:
        smallest = ordered[0]
        add(
            "too_small",
            f"Accounts of {smallest.label} win at most {LOSING_LIFT:g}x the overall rate",
            {"field": "employees", "operator": "lte", "value": smallest.up_to},
            [smallest.as_outcome()],
        )
    if ordered and ordered[-1].label in lost_labels and ordered[-1].above is not None:
        largest = ordered[-1]
        add(
            "too_large",
            f"Accounts of {largest.label} win at most {LOSING_LIFT:g}x the overall rate",
            {"field": "employees", "operator": "gt", "value": largest.above},
            [largest.as_outcome()],
        )
    return found
