"""The 90-day plan: weakest dimension first, cost between equals, spec/CRM/data in every step."""

from __future__ import annotations

from typing import Any

import pytest

from l2o.assess import DIMENSIONS, RUBRIC_VERSIONS, load_rubric
from l2o.publish import AssessmentView, build_plan, load_plan_steps, render_plan


def _plan(assessment: dict[str, Any]):  # type: ignore[no-untyped-def]
    return build_plan(AssessmentView.from_json(assessment))


def test_dimensions_rank_weakest_first(rich_assessment: dict[str, Any]) -> None:
    plan = _plan(rich_assessment)

    scores = [p.score for p in plan.priorities]
    assert scores == sorted(scores, key=lambda s: round(s, 1))  # rich has every score
    assert [p.rank for p in plan.priorities] == [1, 2, 3, 4, 5, 6]


def test_equal_scores_rank_by_the_cost_attributed(rich_assessment: dict[str, Any]) -> None:
    # pricing and pipeline both score 1.0; discount leakage (pricing) costs more than the
    # forecast miss (pipeline), so pricing comes first; swapping the amounts swaps them.
    plan = _plan(rich_assessment)
    order = [p.dimension for p in plan.priorities[:2]]
    assert order == ["pricing", "pipeline"]

    components = rich_assessment["cost_of_gap"]["components"]
    components[0]["amount"], components[1]["amount"] = 100.0, 900_000.0
    assert [p.dimension for p in _plan(rich_assessment).priorities[:2]] == ["pipeline", "pricing"]


def test_a_component_naming_its_dimension_is_attributed_there(
    rich_assessment: dict[str, Any],
) -> None:
    rich_assessment["cost_of_gap"]["components"].append(
        {"name": "opaque", "amount": 5_000_000.0, "formula": "x", "inputs": {}, "dimension": "icp"}
    )

    icp = next(p for p in _plan(rich_assessment).priorities if p.dimension == "icp")
    assert icp.cost == 5_000_000.0


def test_steps_run_by_phase_then_weakest_dimension(rich_assessment: dict[str, Any]) -> None:
    plan = _plan(rich_assessment)

    keys = [(s.phase, s.rank) for s in plan.steps]
    assert keys == sorted(keys)
    assert [s.number for s in plan.steps] == list(range(1, len(plan.steps) + 1))
    assert plan.steps[0].dimension == plan.priorities[0].dimension


def test_dimensions_at_the_revenue_machine_line_get_no_dimension_steps(
    rich_assessment: dict[str, Any],
) -> None:
    plan = _plan(rich_assessment)

    strong = {p.dimension for p in plan.priorities if not p.planned}
    assert strong == {"commercial"}  # 3.2 in the rich company
    assert not [s for s in plan.steps if s.dimension in strong and s.kind != "metric"]


def test_weak_metrics_get_their_own_steps(rich_assessment: dict[str, Any]) -> None:
    view = AssessmentView.from_json(rich_assessment)
    plan = build_plan(view)

    weak = {f"{d.key}_{m.name}" for d in view.dimensions for m in d.weak_metrics}
    assert weak
    assert weak <= {s.id for s in plan.steps if s.kind == "metric"}


def test_unmeasured_metrics_lead_to_a_measure_step(sparse_assessment: dict[str, Any]) -> None:
    plan = _plan(sparse_assessment)

    measure = [s for s in plan.steps if s.kind == "measure"]
    assert {s.dimension for s in measure} == set(DIMENSIONS)
    assert all(s.phase == 1 for s in measure)
    assert all("{metrics}" not in s.data for s in measure)


def test_an_unscored_dimension_ranks_as_weakest(sparse_assessment: dict[str, Any]) -> None:
    plan = _plan(sparse_assessment)

    assert plan.priorities[0].dimension == "pricing"  # no evidence and no answers
    assert plan.priorities[0].score is None


@pytest.mark.parametrize("version", RUBRIC_VERSIONS)
def test_every_rubric_metric_has_a_step(version: str) -> None:
    library = load_plan_steps()
    rubric = load_rubric(version)

    missing = [
        f"{d}.{rule.name}"
        for d in DIMENSIONS
        for rule in rubric.for_dimension(d).metrics
        if rule.name not in library.dimensions[d].metrics
    ]
    assert missing == []


def test_plan_markdown_names_spec_crm_and_data_for_every_step(
    rich_assessment: dict[str, Any],
) -> None:
    plan = _plan(rich_assessment)
    text = render_plan(rich_assessment)

    sections = text.split("\n### ")[1:]
    assert len(sections) == len(plan.steps)
    for section, step in zip(sections, plan.steps, strict=True):
        assert section.startswith(f"{step.number}. {step.title}")
        for label in ("**Spec:**", "**CRM:**", "**Data:**", "**Done when:**"):
            assert label in section
    positions = [text.index(f"## Days {days}") for days in ("0-30", "31-60", "61-90")]
    assert positions == sorted(positions)


def test_an_empty_assessment_still_plans(empty_assessment: dict[str, Any]) -> None:
    text = render_plan(empty_assessment)

    assert "not measured" in text
    assert "### 1. " in text
