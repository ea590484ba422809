"""Reading assessment.json: nulls stay missing, wrong types are errors naming their path."""

from __future__ import annotations

from typing import Any

import pytest

from l2o.publish import AssessmentView, PublishError


def test_every_dimension_is_read_with_its_metrics(rich_assessment: dict[str, Any]) -> None:
    view = AssessmentView.from_json(rich_assessment)

    for dimension in view.dimensions:
        source = rich_assessment["dimensions"][dimension.key]
        assert dimension.score == pytest.approx(source["score"])
        assert [m.name for m in dimension.metrics] == [m["name"] for m in source["metrics"]]
        assert [m.n for m in dimension.metrics] == [m["n"] for m in source["metrics"]]
    assert view.cost.total == rich_assessment["cost_of_gap"]["total"]
    assert view.cost.largest_first[0].name == "discount_leakage_beyond_policy"


def test_insufficient_metrics_are_marked_not_zeroed(sparse_assessment: dict[str, Any]) -> None:
    view = AssessmentView.from_json(sparse_assessment)

    pipeline = view.dimension("pipeline")
    assert pipeline.source == "self-reported"
    assert pipeline.shown is None
    assert all(m.insufficient and m.level is None for m in pipeline.metrics)
    assert pipeline.unmeasured_metrics == pipeline.metrics


def test_an_all_null_assessment_reads_as_missing(empty_assessment: dict[str, Any]) -> None:
    view = AssessmentView.from_json(empty_assessment)

    assert view.index is None
    assert view.title == "Unnamed company"
    assert all(d.score is None and d.metrics == () for d in view.dimensions)
    assert view.cost.total is None
    assert view.cost.components == ()
    assert view.data_quality == ()


def test_missing_keys_read_as_missing() -> None:
    view = AssessmentView.from_json({})

    assert view.index is None
    assert view.quadrant is None
    assert not view.ai_ready
    assert len(view.dimensions) == 6


def test_wrong_types_are_reported_with_their_paths(rich_assessment: dict[str, Any]) -> None:
    rich_assessment["index"] = "high"
    rich_assessment["dimensions"]["icp"]["metrics"] = {"not": "a list"}
    rich_assessment["cost_of_gap"]["components"][0]["amount"] = [1, 2]

    with pytest.raises(PublishError) as caught:
        AssessmentView.from_json(rich_assessment)

    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "assessment.index",
        "assessment.dimensions.icp.metrics",
        "assessment.cost_of_gap.components[0].amount",
    ]


@pytest.mark.parametrize(
    "data_quality",
    [
        {"duplicate_rate": {"value": 0.04, "level": 2, "n": 900}},
        {"inputs": {"duplicate_rate": {"value": 0.04, "level": 2, "n": 900}}},
        {"inputs": [{"name": "duplicate_rate", "value": 0.04, "level": 2, "n": 900}]},
    ],
)
def test_data_quality_inputs_are_read_in_any_of_their_shapes(data_quality: dict[str, Any]) -> None:
    found = AssessmentView.from_json({"data_quality": data_quality}).data_quality_input(
        "duplicate_rate"
    )

    assert found is not None
    assert (found.value, found.level, found.n) == (0.04, 2, 900)


def test_data_quality_values_without_levels_keep_the_shared_sample() -> None:
    view = AssessmentView.from_json({"data_quality": {"n": 300, "duplicate_rate": 0.02}})

    found = view.data_quality_input("duplicate_rate")
    assert found is not None
    assert (found.value, found.level, found.n) == (0.02, None, 300)
