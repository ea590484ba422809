"""Assessments to publish, built with the real scoring core (tests may import ``assess``).

- ``rich_assessment``: a company with evidence for most metrics, questionnaire answers,
  technology, data quality and a cost of the gap;
- ``sparse_assessment``: a real export that lacks evidence (no stage history, discounts or
  renewals): most metrics insufficient, dimensions self-reported, no cost estimate;
- ``empty_assessment``: every value null.
"""

from __future__ import annotations

import copy
from typing import Any

from l2o.assess import DataQuality, MetricRule, MetricValue, load_rubric, score_assessment

RICH_LEVELS = {
    "icp": [1, 2, 1, 1],
    "pipeline": [1, 1, 1, 1, 1],
    "signals": [2, 2, 3, 2],
    "commercial": [3, 3, 4, 3],
    "pricing": [1, 1, 1, 1],
    "lifecycle": [2, 2, 2, 1, 2],
}
"""The level each metric of a dimension reaches in the rich company, in rubric order."""


def value_at(rule: MetricRule, level: int) -> float:
    """A metric value that reaches exactly ``level`` under ``rule``."""
    if level > 0:
        return rule.thresholds[level - 1]
    first, second = rule.thresholds[0], rule.thresholds[1]
    return first - (second - first)


def rich_evidence() -> list[MetricValue]:
    rubric = load_rubric()
    evidence = []
    for dimension, levels in RICH_LEVELS.items():
        for i, rule in enumerate(rubric.for_dimension(dimension).metrics):
            level = levels[i % len(levels)]
            evidence.append(MetricValue(rule.name, value_at(rule, level), n=rule.min_n * 12))
    return evidence


RICH_SAID = {
    "icp": 2.5,
    "pipeline": 3.0,
    "signals": 2.25,
    "commercial": 2.75,
    "pricing": 2.5,
    "lifecycle": 2.0,
}

RICH_COST = {
    "total": 1_137_000.0,
    "currency": "USD",
    "components": [
        {
            "name": "discount_leakage_beyond_policy",
            "amount": 612_000.0,
            "formula": (
                "sum over unapproved out-of-band deals of (discount - band limit) x list price"
            ),
            "inputs": {
                "deals_out_of_band": 32,
                "mean_excess_discount": 0.085,
                "mean_list_price": 225_000,
            },
        },
        {
            "name": "forecast_miss",
            "amount": 310_000.0,
            "formula": "mean absolute quarterly forecast error x gross margin x capital factor",
            "inputs": {"mean_abs_error": 1_240_000, "gross_margin": 0.78, "factor": 0.32},
        },
        {
            "name": "churned_arr_above_target",
            "amount": 215_000.0,
            "formula": "(1 - GRR) x starting ARR - (1 - target GRR) x starting ARR",
            "inputs": {"grr": 0.86, "target_grr": 0.9, "starting_arr": 5_375_000},
        },
    ],
}


def _data_quality_json(quality: DataQuality) -> dict[str, Any]:
    rules = {rule.name: rule for rule in load_rubric().ai_readiness.data_quality}
    inputs = {}
    for name, value in quality.values().items():
        rule = rules[name]
        sufficient = value.value is not None and value.n >= rule.min_n
        inputs[name] = {
            "value": value.value,
            "level": rule.level(value.value) if sufficient and value.value is not None else None,
            "n": value.n,
            "definition": rule.definition,
        }
    return inputs


def _contract(name: str, scored: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "schema_version": "1",
        "name": name,
        "created_at": "2025-01-06T09:00:00+00:00",
        **scored,
        **extra,
    }


def build_rich() -> dict[str, Any]:
    quality = DataQuality(0.72, 0.06, 0.64, 0.93, n=5_200)
    scored = score_assessment(
        load_rubric(),
        evidence=rich_evidence(),
        said=RICH_SAID,
        technology=2.67,
        data_quality=quality,
    ).to_json()
    return _contract(
        "Northwind Analytics",
        scored,
        cost_of_gap=copy.deepcopy(RICH_COST),
        data_quality=_data_quality_json(quality),
    )


def build_sparse() -> dict[str, Any]:
    """Like the Maven export: opportunities without stage history, discounts or renewals."""
    questionnaire = {
        "icp": 2.0,
        "pipeline": 2.5,
        "signals": 1.5,
        "commercial": 2.0,
        "lifecycle": 1.0,
    }
    rubric = load_rubric()
    commercial = rubric.for_dimension("commercial").metrics[0]
    icp = rubric.for_dimension("icp").metrics[0]
    pipeline = rubric.for_dimension("pipeline").metrics[0]
    pricing = rubric.for_dimension("pricing").metrics[0]
    evidence = [
        MetricValue(pipeline.name, None, n=0),  # no stage history at all
        MetricValue(commercial.name, value_at(commercial, 0), n=8_800),
        MetricValue(icp.name, value_at(icp, 3), n=icp.min_n - 1),  # too few accounts
        MetricValue(pricing.name, value_at(pricing, 1), n=4),
    ]
    quality = DataQuality(0.58, None, 0.0, None, n=8_800)
    scored = score_assessment(
        rubric,
        evidence=evidence,
        said=questionnaire,
        technology=None,
        data_quality=quality,
    ).to_json()
    return _contract(
        "Maven Tech",
        scored,
        cost_of_gap={"total": None, "currency": "USD", "components": []},
        data_quality={"n": 8_800, "model_fields_completeness": 0.58, "stage_history_share": 0.0},
    )


def build_empty() -> dict[str, Any]:
    return {
        "schema_version": "1",
        "name": None,
        "created_at": None,
        "rubric_version": None,
        "index": None,
        "dimensions": dict.fromkeys(
            ("icp", "pipeline", "signals", "commercial", "pricing", "lifecycle")
        ),
        "ai_readiness": {"score": None, "ready": False, "reasons": []},
        "technology": {"score": None},
        "quadrant": None,
        "revenue_machine": False,
        "cost_of_gap": None,
        "data_quality": None,
    }
