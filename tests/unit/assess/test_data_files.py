"""The shipped questionnaire and rubric load and validate; bad files name the path at fault."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from l2o.assess import (
    DIMENSIONS,
    TECHNOLOGY,
    AssessmentError,
    load_answers,
    load_questionnaire,
    load_rubric,
)
from l2o.assess._files import read_packaged


def _paths(exc: pytest.ExceptionInfo[AssessmentError]) -> list[str]:
    return [p.path for p in exc.value.problems]


def test_questionnaire_covers_every_dimension_and_technology():
    questionnaire = load_questionnaire()
    topics = [s.topic for s in questionnaire.sections]
    assert set(topics) == {*DIMENSIONS, TECHNOLOGY}
    for section in questionnaire.sections:
        if section.topic != TECHNOLOGY:
            assert 4 <= len(section.questions) <= 6
        for question in section.questions:
            assert [o.level for o in question.options] == [0, 1, 2, 3, 4]


def test_the_calibrated_rubric_is_the_default_and_v1_stays_loadable():
    assert load_rubric().version == "v2"
    v2 = load_rubric("v2")
    names = {r.name for d in DIMENSIONS for r in v2.for_dimension(d).metrics}
    assert {"exit_criteria_met_share", "discount_dispersion", "grr", "nrr"} <= names
    assert all(len(v2.for_dimension(d).metrics) >= 2 for d in DIMENSIONS)


def test_rubric_covers_every_dimension_with_the_methods_metrics():
    rubric = load_rubric("v1")
    assert rubric.version == "v1"
    names = {r.name for d in DIMENSIONS for r in rubric.for_dimension(d).metrics}
    assert {"stalled_share", "discount_dispersion", "grr", "median_speed_to_lead_hours"} <= names
    assert rubric.dimension_of("nrr") == "lifecycle"
    assert set(rubric.ai_readiness.weights) == {"data_quality", "pipeline", "signals", "icp"}


def _rubric_data() -> dict[str, Any]:
    return copy.deepcopy(dict(read_packaged("rubric/v1.yaml", "rubric")))


def test_non_monotone_thresholds_are_an_error_at_their_path():
    data = _rubric_data()
    data["dimensions"]["pricing"]["metrics"][0]["thresholds"] = [0.03, 0.06, 0.1, 0.15]
    with pytest.raises(AssessmentError, match="must fall") as exc:
        load_rubric(data)
    assert _paths(exc) == ["dimensions.pricing.metrics[0]"]


def test_a_missing_dimension_and_an_unknown_key_are_named(tmp_path: Path):
    data = _rubric_data()
    del data["dimensions"]["lifecycle"]
    data["dimensions"]["icp"]["metrics"][1]["treshold"] = 1
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(AssessmentError) as exc:
        load_rubric(path)
    problems = {p.path: p for p in exc.value.problems}
    assert "missing required field 'lifecycle'" in problems["dimensions"].message
    assert problems["dimensions.icp.metrics[1]"].hint == "did you mean 'thresholds'?"
    assert str(path) in str(exc.value)


def test_a_questionnaire_option_missing_a_level_is_an_error():
    section = {
        "topic": "technology",
        "title": "T",
        "questions": [
            {"id": "q", "text": "?", "options": [{"level": i, "text": "x"} for i in (0, 1, 3)]}
        ],
    }
    with pytest.raises(AssessmentError) as exc:
        load_questionnaire({"version": 1, "sections": [section]})
    assert _paths(exc) == ["sections[0].questions[0]"]


def test_a_questionnaire_without_every_dimension_is_an_error():
    shipped = load_questionnaire().model_dump()
    shipped["sections"] = shipped["sections"][1:]
    with pytest.raises(AssessmentError, match="no section for: icp"):
        load_questionnaire(shipped)


def test_answers_accept_levels_and_option_ids_and_skip_nulls():
    answers = load_answers(
        {"answers": {"icp_definition": 3, "icp_tiers": "founder_held", "icp_personas": None}}
    )
    assert answers.levels == {"icp_definition": 3, "icp_tiers": 1}


def test_bad_answers_name_every_path_with_a_hint():
    with pytest.raises(AssessmentError) as exc:
        load_answers(
            {"answers": {"icp_defintion": 2, "icp_tiers": "enforcd", "pipeline_stages": 5}}
        )
    problems = {p.path: p for p in exc.value.problems}
    assert problems["answers.icp_defintion"].hint == "did you mean 'icp_definition'?"
    assert problems["answers.icp_tiers"].hint == "did you mean 'enforced'?"
    assert "5 is not a level" in problems["answers.pipeline_stages"].message


def test_answers_file_with_an_unknown_top_level_key(tmp_path: Path):
    path = tmp_path / "answers.yaml"
    path.write_text("version: 1\nanswer:\n  icp_tiers: 2\n", encoding="utf-8")
    with pytest.raises(AssessmentError) as exc:
        load_answers(path)
    assert exc.value.problems[0].hint == "did you mean 'answers'?"


def test_unreadable_answers_file_is_an_assessment_error(tmp_path: Path):
    with pytest.raises(AssessmentError, match="file not found"):
        load_answers(tmp_path / "missing.yaml")
