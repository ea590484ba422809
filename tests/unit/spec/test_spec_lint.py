"""Lint: each kind of gap gives a warning at its path.

Each case starts from the well-architected example (which lints clean) and breaks one thing,
so the warnings that appear are exactly the ones that change should cause.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from l2o.spec import lint_spec, load_spec

Data = dict[str, Any]

REVENUE_MACHINE = Path(__file__).resolve().parents[3] / "examples" / "revenue-machine.yaml"
BASE: Data = yaml.safe_load(REVENUE_MACHINE.read_text(encoding="utf-8"))
NB = "pipeline.pipelines[0]"


def _nb_stages(d: Data) -> list[Data]:
    stages: list[Data] = d["pipeline"]["pipelines"][0]["stages"]
    return stages


def _routing(d: Data) -> Data:
    routing: Data = d["signals"]["routing"]
    return routing


def _bands(d: Data) -> list[Data]:
    bands: list[Data] = d["pricing"]["discount_matrix"]
    return bands


def _set(d: Data, section: str, key: str, value: Any) -> None:
    d[section][key] = value


CASES: dict[str, tuple[Callable[[Data], None], set[tuple[str, str]]]] = {
    "empty_dimension": (
        lambda d: d.pop("lifecycle"),
        {("empty_dimension", "lifecycle")},
    ),
    "empty_section_counts_as_undefined": (
        lambda d: d.update(pricing={}),
        {("empty_dimension", "pricing")},
    ),
    "icp_without_tiers": (
        lambda d: _set(d, "icp", "tiers", []),
        {("icp_without_tiers", "icp.tiers")},
    ),
    "icp_tier_without_criteria": (
        lambda d: d["icp"]["tiers"][2].update(criteria={}),
        {("icp_tier_without_criteria", "icp.tiers[2].criteria")},
    ),
    "icp_tier_rank_tie": (
        lambda d: d["icp"]["tiers"][2].update(rank=2),
        {("icp_tier_rank_tie", "icp.tiers[2].rank")},
    ),
    "icp_without_personas": (
        lambda d: _set(d, "icp", "personas", []),
        {("icp_without_personas", "icp.personas")},
    ),
    "icp_without_disqualifiers": (
        lambda d: _set(d, "icp", "disqualifiers", []),
        {("icp_without_disqualifiers", "icp.disqualifiers")},
    ),
    "stage_without_exit_criteria": (
        lambda d: d["pipeline"]["pipelines"][2]["stages"][1].pop("exit_criteria"),
        {("stage_without_exit_criteria", "pipeline.pipelines[2].stages[1].exit_criteria")},
    ),
    "stage_without_stall_limit": (
        lambda d: _nb_stages(d)[0].pop("max_days_in_stage"),
        {("stage_without_stall_limit", f"{NB}.stages[0].max_days_in_stage")},
    ),
    "probability_not_increasing": (
        lambda d: _nb_stages(d)[2].update(probability=20),
        {("probability_not_increasing", f"{NB}.stages[2].probability")},
    ),
    "pipeline_without_outcome": (
        lambda d: _nb_stages(d).pop(),
        {("pipeline_without_outcome", f"{NB}.stages")},
    ),
    "stage_skipping_allowed": (
        lambda d: d["pipeline"]["pipelines"][0].update(allow_stage_skipping=True),
        {("stage_skipping_allowed", f"{NB}.allow_stage_skipping")},
    ),
    "no_qualification_framework": (
        lambda d: _strip_qualification(d),
        {("no_qualification_framework", "pipeline.qualification")},
    ),
    "qualification_element_unused": (
        lambda d: d["pipeline"]["qualification"]["elements"].append({"id": "budget"}),
        {("qualification_element_unused", "pipeline.qualification.elements[8]")},
    ),
    "no_lead_stages": (
        lambda d: _set(d, "signals", "lead_stages", []) or d["signals"].pop("slas"),
        {("no_lead_stages", "signals.lead_stages"), ("no_handoff_sla", "signals.slas")},
    ),
    "lead_stage_unreachable": (
        lambda d: d["signals"]["lead_stages"][1].update(min_score=120),
        {("lead_stage_unreachable", "signals.lead_stages[1].min_score")},
    ),
    "no_lead_scoring": (
        lambda d: d["signals"].pop("scoring"),
        {("no_lead_scoring", "signals.scoring")},
    ),
    "engagement_without_decay": (
        lambda d: d["signals"]["scoring"]["groups"][1].pop("decay_half_life_days"),
        {("engagement_without_decay", "signals.scoring.groups[1].decay_half_life_days")},
    ),
    "score_group_empty": (
        lambda d: d["signals"]["scoring"]["groups"].append(
            {"id": "intent", "kind": "engagement", "cap": 10, "decay_half_life_days": 7}
        ),
        {("score_group_empty", "signals.scoring.groups[2].rules")},
    ),
    "no_routing": (
        lambda d: d["signals"].pop("routing"),
        {("no_routing", "signals.routing")},
    ),
    "pool_without_members": (
        lambda d: _routing(d)["pools"][1].update(members=[]),
        {("pool_without_members", "signals.routing.pools[1].members")},
    ),
    "pool_without_capacity": (
        lambda d: _routing(d)["pools"][2].update(
            members=[{"user": "sam@northwind.example", "daily_capacity": 0}]
        ),
        {("pool_without_capacity", "signals.routing.pools[2].members")},
    ),
    "pool_unused": (
        lambda d: _routing(d)["pools"].append(
            {"id": "spare", "role": "sdr", "members": [{"user": "x"}]}
        ),
        {("pool_unused", "signals.routing.pools[3]")},
    ),
    "routing_country_uncovered": (
        lambda d: _routing(d)["rules"][3]["countries"].append("JP"),
        {("routing_country_uncovered", "signals.routing.rules[3].countries[4]")},
    ),
    "routing_rule_unreachable": (
        lambda d: _routing(d)["rules"].insert(2, {"id": "grab_all", "pool": "sdr_na"}),
        {
            ("routing_rule_unreachable", "signals.routing.rules[3]"),
            ("routing_rule_unreachable", "signals.routing.rules[4]"),
            ("routing_rule_unreachable", "signals.routing.rules[5]"),
        },
    ),
    "routing_without_fallback": (
        lambda d: _routing(d)["rules"].pop(),
        {("routing_without_fallback", "signals.routing.rules")},
    ),
    "no_attribution": (
        lambda d: d["signals"].pop("attribution"),
        {("no_attribution", "signals.attribution")},
    ),
    "product_not_priced": (
        lambda d: d["commercial"]["products"].append({"id": "beta", "name": "Beta"}),
        {("product_not_priced", "commercial.products[5]")},
    ),
    "segment_without_coverage": (
        lambda d: d["commercial"]["segments"][0].update(coverage=[]),
        {("segment_without_coverage", "commercial.segments[0].coverage")},
    ),
    "commercial_part_missing": (
        lambda d: d["commercial"].pop("quotas"),
        {("commercial_part_missing", "commercial.quotas")},
    ),
    "territory_overlap": (
        lambda d: d["commercial"]["territories"][2]["countries"].append("CA"),
        {("territory_overlap", "commercial.territories[2]")},
    ),
    "no_discount_matrix": (
        lambda d: _set(d, "pricing", "discount_matrix", []),
        {("no_discount_matrix", "pricing.discount_matrix")},
    ),
    "discount_band_overlap": (
        lambda d: _bands(d)[2].update(deal_size={"above": 50000}),
        {("discount_band_overlap", "pricing.discount_matrix[2]")},
    ),
    "discount_band_unreachable_shadowed": (
        lambda d: _bands(d).insert(
            1, {"id": "wide", "discount_percent": {"above": 10, "up_to": 30}}
        ),
        {
            ("discount_band_unreachable", "pricing.discount_matrix[2]"),
            ("discount_band_unreachable", "pricing.discount_matrix[3]"),
            ("discount_band_unreachable", "pricing.discount_matrix[4]"),
            ("discount_band_unreachable", "pricing.discount_matrix[5]"),
        },
    ),
    "discount_band_unreachable_above_ceiling": (
        lambda d: _set(d, "pricing", "max_discount_percent", 30),
        {("discount_band_unreachable", "pricing.discount_matrix[5].discount_percent")},
    ),
    "discount_band_gap": (
        lambda d: _set(d, "pricing", "max_discount_percent", 50),
        {("discount_band_gap", "pricing.discount_matrix")},
    ),
    "no_max_discount": (
        lambda d: d["pricing"].pop("max_discount_percent"),
        {("no_max_discount", "pricing.max_discount_percent")},
    ),
    "approval_without_expiry": (
        lambda d: d["pricing"].pop("approval_expiry_days"),
        {("approval_without_expiry", "pricing.approval_expiry_days")},
    ),
    "approval_chain_repeats_role": (
        lambda d: _bands(d)[5]["approvers"].append("vp_sales"),
        {("approval_chain_repeats_role", "pricing.discount_matrix[5].approvers")},
    ),
    "lifecycle_part_missing": (
        lambda d: d["lifecycle"].pop("retention_targets"),
        {("lifecycle_part_missing", "lifecycle.retention_targets")},
    ),
    "renewal_without_pipeline": (
        lambda d: d["lifecycle"]["renewal"].pop("pipeline"),
        {("renewal_without_pipeline", "lifecycle.renewal.pipeline")},
    ),
    "sequence_unused": (
        lambda d: d["workflows"]["workflows"][0]["actions"].pop(0),
        {("sequence_unused", "workflows.sequences[0]")},
    ),
}


def _strip_qualification(data: Data) -> None:
    data["pipeline"].pop("qualification")
    for pipeline in data["pipeline"]["pipelines"]:
        for stage in pipeline["stages"]:
            for gate in ("entry_criteria", "exit_criteria"):
                if gate in stage:
                    stage[gate] = [
                        {"field": "next_step"} if "qualification" in c else c for c in stage[gate]
                    ]


def test_the_base_spec_lints_clean() -> None:
    assert lint_spec(load_spec(BASE)) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_gap_warns_at_its_path(case: str) -> None:
    mutate, expected = CASES[case]
    data = copy.deepcopy(BASE)
    mutate(data)
    warnings = lint_spec(load_spec(data))
    assert {(w.rule, w.path) for w in warnings} == expected
    assert all(w.severity == "warning" for w in warnings)


def test_a_thin_spec_warns_about_every_missing_dimension() -> None:
    warnings = lint_spec(load_spec({"version": 1, "company": {"name": "Acme"}}))
    assert [w.path for w in warnings] == [
        "icp",
        "pipeline",
        "signals",
        "commercial",
        "pricing",
        "lifecycle",
        "workflows",
    ]
