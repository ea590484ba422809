"""Small builders for spec tests: a minimal valid spec to extend, and the problems of one."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from l2o.errors import SpecError, SpecProblem
from l2o.spec import load_spec

MINIMAL: dict[str, Any] = {"version": 1, "company": {"name": "Acme"}}

ROLES: list[dict[str, str]] = [{"id": r} for r in ("sdr", "ae", "sales_manager", "vp_sales")]


def spec_data(**sections: Any) -> dict[str, Any]:
    """A minimal valid spec mapping with the given sections added."""
    data = copy.deepcopy(MINIMAL)
    data.update(copy.deepcopy(sections))
    return data


def stage(stage_id: str, probability: int, **extra: Any) -> dict[str, Any]:
    """An open stage mapping."""
    return {"id": stage_id, "probability": probability, "forecast_category": "pipeline", **extra}


WON = {"id": "won", "probability": 100, "forecast_category": "closed", "outcome": "won"}
LOST = {"id": "lost", "probability": 0, "forecast_category": "omitted", "outcome": "lost"}


def pipeline_section(*stages: dict[str, Any], **pipeline: Any) -> dict[str, Any]:
    """A pipeline section with one new-business pipeline of the given stages (plus won/lost)."""
    return {
        "pipelines": [
            {"id": "nb", "deal_type": "new_business", "stages": [*stages, WON, LOST], **pipeline}
        ]
    }


def load_problems(data: dict[str, Any]) -> list[SpecProblem]:
    """The problems ``load_spec`` raises for ``data`` (fails the test if it loads)."""
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    return caught.value.problems


def only_problem(data: dict[str, Any]) -> SpecProblem:
    """The single problem ``load_spec`` raises for ``data``."""
    problems = load_problems(data)
    assert len(problems) == 1, problems
    return problems[0]
