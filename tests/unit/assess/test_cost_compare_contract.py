"""Cost of the gap, the comparison of two snapshots, and the assessment.json contract."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from l2o.assess import DataQuality, MetricValue, load_rubric, score_assessment
from l2o.assess.compare import compare_assessments
from l2o.assess.contract import AssessmentDocument, assessment_json_schema
from l2o.assess.cost import cost_of_gap
from l2o.assess.evidence import DealFacts, EvidenceFacts, Policy, QuoteFacts, RenewalFacts

SCHEMA = Path(__file__).resolve().parents[3] / "schemas" / "assessment.schema.json"
REGENERATE = "run `l2o assess schema --out schemas/assessment.schema.json`"


def _facts() -> EvidenceFacts:
    quotes = QuoteFacts(
        discount=np.array([0.30, 0.20, 0.10, 0.40]),
        list_total=np.array([1000.0, 2000.0, 500.0, 100.0]),
        segment=np.array(["smb"] * 4, dtype=object),
        quarter_end=np.zeros(4, dtype=bool),
        approved=np.array([False, False, False, True]),
        won=np.array([True, True, True, True]),
    )
    deals = DealFacts(
        amount=np.array([100.0, 200.0, 300.0]),
        is_closed=np.array([True, True, False]),
        is_won=np.array([False, True, False]),
        close_date_pushed=np.array([True, True, True]),
        close_date_changes=3,
    )
    renewals = RenewalFacts(arr_then=np.full(25, 100.0), arr_now=np.full(25, 80.0))
    return EvidenceFacts(years=2.0, quotes=quotes, deals=deals, renewals=renewals)


def test_cost_components_follow_their_formulas():
    cost = cost_of_gap(_facts(), Policy(approval_threshold_pct=15, grr_target=0.9))
    parts = {c.name: c for c in cost.components}
    # (1000 x 0.15 + 2000 x 0.05) / 2 years; the approved 40% quote does not leak
    assert parts["discount_leakage_beyond_policy"].amount == pytest.approx(125.0)
    assert parts["discount_leakage_beyond_policy"].inputs["quotes_leaking"] == 2
    # 25 customers x 100 ARR x (0.9 - 0.8)
    assert parts["churned_arr_above_target"].amount == pytest.approx(250.0)
    # the lost deal that slipped: 100 over 2 years
    assert parts["forecast_miss"].amount == pytest.approx(50.0)
    assert "conversion_lost_on_non_icp_pipeline" in cost.not_measured
    assert cost.total == pytest.approx(425.0)
    data = cost.to_json()
    assert data["total"] == pytest.approx(425.0)
    assert all(set(c) == {"name", "amount", "formula", "inputs"} for c in data["components"])


def test_no_data_costs_nothing_and_says_why():
    cost = cost_of_gap(EvidenceFacts(), Policy())
    assert cost.components == ()
    assert cost.total == 0
    assert len(cost.not_measured) == 4


def _document(grr: float, index_said: float) -> dict:
    result = score_assessment(
        load_rubric(),
        [MetricValue("grr", grr, 50), MetricValue("nrr", 1.0, 50)],
        said={"icp": index_said},
        technology=2.5,
        data_quality=DataQuality(0.9, 0.02, 0.9, 0.95, n=1000),
        cost_of_gap=cost_of_gap(_facts(), Policy()),
    )
    return {"name": "x", "created_at": "2025-01-01T00:00:00+00:00", **result.to_json()}


def test_assessment_json_validates_against_the_committed_schema():
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == assessment_json_schema(), (
        f"schemas/assessment.schema.json is stale: {REGENERATE}"
    )
    document = _document(0.8, 1.0)
    jsonschema.validate(document, assessment_json_schema())
    AssessmentDocument.model_validate(document)
    assert set(document) >= {
        "schema_version",
        "index",
        "dimensions",
        "ai_readiness",
        "technology",
        "quadrant",
        "revenue_machine",
        "cost_of_gap",
        "data_quality",
    }
    broken = {**document, "index": "high"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, assessment_json_schema())


def test_compare_gives_changes_per_dimension_and_metric():
    day0, day90 = _document(0.8, 1.0), _document(0.95, 3.0)
    comparison = compare_assessments(day0, day90)
    lifecycle = comparison["dimensions"]["lifecycle"]
    assert lifecycle["after"] > lifecycle["before"]
    assert lifecycle["change"] == pytest.approx(lifecycle["after"] - lifecycle["before"])
    grr = next(m for m in lifecycle["metrics"] if m["name"] == "grr")
    assert grr["change"] == pytest.approx(0.15)
    assert grr["level"]["after"] > grr["level"]["before"]
    assert comparison["dimensions"]["icp"]["change"] == pytest.approx(2.0)
    assert comparison["index"]["change"] == pytest.approx(day90["index"] - day0["index"])
    assert comparison["notes"] == []
    other = {**day90, "rubric_version": "v1"}
    assert "rubric" in compare_assessments(day0, other)["notes"][0]
