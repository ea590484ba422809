"""Loading specs: every problem reported at once, at its exact path, with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from spec_builders import MINIMAL, load_problems, only_problem, pipeline_section, spec_data, stage

from l2o.errors import SpecError
from l2o.spec import ArchitectureSpec, load_spec


def test_minimal_spec_loads_with_defaults() -> None:
    spec = load_spec(MINIMAL)
    assert isinstance(spec, ArchitectureSpec)
    assert spec.company.currency == "USD"
    assert spec.company.fiscal_year_start_month == 1
    assert spec.pipeline is None


def test_misspelled_key_names_its_parent_path_and_suggests_the_field() -> None:
    data = spec_data(
        pipeline=pipeline_section(
            stage("discovery", 10), stage("demo", 20), stage("proposal", 50, max_day_in_stage=14)
        )
    )
    problem = only_problem(data)
    assert problem.path == "pipeline.pipelines[0].stages[2]"
    assert problem.message == "unknown field 'max_day_in_stage'"
    assert problem.hint == "did you mean 'max_days_in_stage'?"
    assert problem.rule == "unknown_field"
    assert problem.severity == "error"


def test_unknown_key_inside_a_tagged_union_skips_the_tag_in_the_path() -> None:
    data = spec_data(
        pipeline=pipeline_section(
            stage("discovery", 10, exit_criteria=[{"related": "quote", "min_cont": 2}])
        )
    )
    problem = only_problem(data)
    assert problem.path == "pipeline.pipelines[0].stages[0].exit_criteria[0]"
    assert problem.hint == "did you mean 'min_count'?"


def test_all_problems_are_reported_together() -> None:
    data = spec_data(
        company={"name": "Acme", "curency": "EUR", "fiscal_year_start_month": 13},
        pipeline=pipeline_section(stage("discovery", "high")),
    )
    paths = {(p.path, p.rule) for p in load_problems(data)}
    assert paths == {
        ("company", "unknown_field"),
        ("company.fiscal_year_start_month", "type"),
        ("pipeline.pipelines[0].stages[0].probability", "type"),
    }


def test_wrong_type_names_the_value_given() -> None:
    problem = only_problem(spec_data(company={"name": "Acme", "fiscal_year_start_month": "feb"}))
    assert problem.path == "company.fiscal_year_start_month"
    assert "'feb'" in problem.message


def test_bad_literal_lists_allowed_values_and_suggests_one() -> None:
    problem = only_problem(spec_data(signals={"attribution": {"model": "time_decy"}}))
    assert problem.path == "signals.attribution.model"
    assert "w_shaped" in problem.message
    assert problem.hint == "did you mean 'time_decay'?"


def test_missing_required_field_is_reported_on_its_parent() -> None:
    problem = only_problem({"version": 1, "company": {"currency": "USD"}})
    assert problem.path == "company"
    assert problem.message == "missing required field 'name'"


def test_unsupported_version_is_an_error() -> None:
    problem = only_problem({"version": 2, "company": {"name": "Acme"}})
    assert problem.path == "version"


def test_condition_without_a_known_shape_suggests_the_key() -> None:
    data = spec_data(
        icp={"disqualifiers": [{"id": "x", "reason": "r", "when": {"fild": "industry"}}]}
    )
    problem = only_problem(data)
    assert problem.path == "icp.disqualifiers[0].when"
    assert problem.hint == "did you mean 'field'?"


def test_value_of_no_allowed_type_is_one_problem() -> None:
    test = {"field": "industry", "operator": "eq", "value": {"nested": 1}}
    data = spec_data(icp={"disqualifiers": [{"id": "x", "reason": "r", "when": test}]})
    problem = only_problem(data)
    assert problem.path == "icp.disqualifiers[0].when.value"
    assert problem.message.startswith("should be text or a whole number")


def test_model_rule_violation_names_the_model_path() -> None:
    data = spec_data(
        pipeline={
            "pipelines": [
                {
                    "id": "nb",
                    "deal_type": "new_business",
                    "stages": [
                        {
                            "id": "won",
                            "probability": 90,
                            "forecast_category": "closed",
                            "outcome": "won",
                        }
                    ],
                }
            ]
        }
    )
    problem = only_problem(data)
    assert problem.path == "pipeline.pipelines[0].stages[0]"
    assert "probability 100" in problem.message


def test_a_spec_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- version: 1\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"mapping of sections.*this is a list"):
        load_spec(path)


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\ncompany:\n  name: [Acme\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    (problem,) = caught.value.problems
    assert problem.rule == "yaml_syntax"
    assert "line 4, column 1" in problem.message
    assert caught.value.source == str(path)


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("version: 1\ncompany: {name: A}\ncompany: {name: B}\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    (problem,) = caught.value.problems
    assert "duplicate key 'company'" in problem.message
    assert "line 3" in problem.message


def test_yaml_dates_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "dates.yaml"
    path.write_text(
        "version: 1\ncompany: {name: A}\nlifecycle:\n  churn_risk_signals:\n"
        "    - {id: late, when: {field: renewal_date, operator: lt, value: 2025-01-31}}\n",
        encoding="utf-8",
    )
    spec = load_spec(path)
    assert spec.lifecycle is not None
    assert spec.lifecycle.churn_risk_signals[0].when.value == "2025-01-31"  # type: ignore[union-attr]


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "nope.yaml")
    (problem,) = caught.value.problems
    assert problem.rule == "file"
    assert "nope.yaml" in problem.message


def test_empty_file_is_a_spec_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(SpecError, match="this is empty"):
        load_spec(path)
