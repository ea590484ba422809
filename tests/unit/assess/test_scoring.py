"""Scoring by hand-computed cases: levels, fallback to said, gaps, quadrant, AI readiness."""

from __future__ import annotations

import pytest

from l2o.assess import (
    GAP_TEXT,
    AssessmentError,
    DataQuality,
    MetricRule,
    MetricValue,
    load_rubric,
    quadrant,
    score_assessment,
    score_metric,
)
from l2o.assess.rubrics import AiReadinessRubric

HIGHER = MetricRule(
    name="h", direction="higher", thresholds=[0.2, 0.4, 0.6, 0.8], min_n=10, definition="h"
)
LOWER = MetricRule(
    name="l", direction="lower", thresholds=[40, 30, 20, 10], min_n=10, definition="l"
)


@pytest.mark.parametrize(
    ("value", "level"), [(0.0, 0), (0.19, 0), (0.2, 1), (0.5, 2), (0.6, 3), (0.99, 4)]
)
def test_higher_is_better_thresholds(value: float, level: int):
    assert score_metric(HIGHER, MetricValue("h", value, n=10)).level == level


@pytest.mark.parametrize(("value", "level"), [(50, 0), (40, 1), (35, 1), (20, 3), (10, 4)])
def test_lower_is_better_thresholds(value: float, level: int):
    assert score_metric(LOWER, MetricValue("l", value, n=10)).level == level


def test_below_min_n_is_insufficient_evidence():
    scored = score_metric(HIGHER, MetricValue("h", 0.9, n=9))
    assert (scored.level, scored.sufficient, scored.n) == (None, False, 9)
    assert score_metric(HIGHER, None).n == 0
    assert scored.to_json()["note"] == "insufficient evidence"


def test_pipeline_scores_from_evidence_with_a_gap_flag():
    # exit criteria 0.85 -> 3; skips 0.2 -> 2; stalled 0.55 -> 0; slip: n too small
    evidence = [
        MetricValue("exit_criteria_met_share", 0.85, 100),
        MetricValue("stage_skip_share", 0.2, 100),
        MetricValue("stalled_share", 0.55, 100),
        MetricValue("close_date_slip_share", 0.0, 5),
    ]
    result = score_assessment(load_rubric("v1"), evidence, said={"pipeline": 3.25})
    pipeline = result.dimension("pipeline")
    assert pipeline.shown == pytest.approx(5 / 3)
    assert (pipeline.score, pipeline.source) == (pipeline.shown, "evidence")
    assert pipeline.gap is not None
    assert GAP_TEXT in pipeline.gap
    assert [m.level for m in pipeline.metrics] == [3, 2, 0, None]


def test_no_gap_below_one_level():
    evidence = [MetricValue("grr", 0.9, 50)]  # level 3
    result = score_assessment(load_rubric(), evidence, said={"lifecycle": 2.01})
    assert result.dimension("lifecycle").gap is None


def test_insufficient_evidence_falls_back_to_said_then_none():
    evidence = [MetricValue("discount_dispersion", 0.01, n=3)]
    result = score_assessment(load_rubric(), evidence, said={"pricing": 1.5})
    pricing = result.dimension("pricing")
    assert (pricing.score, pricing.source, pricing.shown) == (1.5, "self-reported", None)
    icp = result.dimension("icp")
    assert icp.score is None
    assert icp.reason is not None
    assert "no questionnaire answers" in icp.reason
    assert result.index == 1.5


def test_unknown_metric_is_refused_with_a_hint():
    with pytest.raises(AssessmentError) as exc:
        score_assessment(load_rubric("v1"), [MetricValue("stalled_shares", 0.1, 100)])
    assert exc.value.problems[0].hint == "did you mean 'stalled_share'?"


@pytest.mark.parametrize(
    ("index", "technology", "expected"),
    [
        (1.99, 1.99, "Founder-led"),
        (1.99, 2.0, "Technology ahead of architecture"),
        (2.0, 1.99, "Ready to build"),
        (2.0, 2.0, "Scaling"),
        (None, 3.0, None),
    ],
)
def test_quadrant_splits_at_exactly_two(
    index: float | None, technology: float | None, expected: str | None
):
    assert quadrant(index, technology) == expected


@pytest.mark.parametrize(("said", "machine"), [(2.99, False), (3.0, True)])
def test_revenue_machine_at_exactly_three(said: float, machine: bool):
    result = score_assessment(load_rubric(), said=dict.fromkeys(_dims(), said), technology=3.0)
    assert result.index == pytest.approx(said)
    assert result.revenue_machine is machine
    assert result.quadrant == "Scaling"


def _dims() -> tuple[str, ...]:
    return ("icp", "pipeline", "signals", "commercial", "pricing", "lifecycle")


RUBRIC = AiReadinessRubric(
    weights={"data_quality": 0.5, "pipeline": 0.5},
    data_quality=[
        MetricRule(
            name="duplicate_rate",
            direction="lower",
            thresholds=[0.15, 0.08, 0.03, 0.01],
            min_n=10,
            definition="d",
        )
    ],
)


def test_ai_readiness_below_two_gives_reasons():
    from l2o.assess import ai_readiness

    # duplicates 0.1 -> level 1; pipeline 2.0: (1 + 2) / 2 = 1.5
    result = ai_readiness(RUBRIC, DataQuality(duplicate_rate=0.1, n=100), {"pipeline": 2.0})
    assert result.score == pytest.approx(1.5)
    assert result.ready is False
    assert result.reasons == ("data quality: duplicate rate is 0.10 (level 1)",)


def test_ai_readiness_above_two_and_missing_parts():
    from l2o.assess import ai_readiness

    # duplicates 0.02 -> level 3; pipeline missing: only data quality counts
    result = ai_readiness(RUBRIC, DataQuality(duplicate_rate=0.02, n=100), {})
    assert (result.score, result.ready) == (3.0, True)
    assert "Pipeline qualification has no score" in result.reasons[0]
    nothing = ai_readiness(RUBRIC, None, {})
    assert (nothing.score, nothing.ready) == (None, False)


def test_to_json_has_the_contract_shape():
    result = score_assessment(
        load_rubric(),
        [MetricValue("grr", 0.9, 50)],
        said={"icp": 1.0},
        technology=2.5,
        data_quality=DataQuality(0.9, 0.02, 0.9, 0.95, n=1000),
    )
    data = result.to_json()
    assert set(data) >= {
        "index",
        "dimensions",
        "ai_readiness",
        "technology",
        "quadrant",
        "revenue_machine",
    }
    assert set(data["dimensions"]) == set(_dims())
    assert set(data["dimensions"]["lifecycle"]) >= {"score", "said", "shown", "source", "metrics"}
    assert data["dimensions"]["lifecycle"]["metrics"][1] == {
        "name": "grr",
        "value": 0.9,
        "level": 3,
        "n": 50,
        "definition": load_rubric().dimensions.lifecycle.metrics[1].definition,
    }
    assert data["technology"] == {"score": 2.5}
    assert set(data["ai_readiness"]) == {"score", "ready", "reasons"}
