"""The dashboard's charts: the report's Vega-Lite specs (:mod:`l2o.publish.charts`) from a
saved assessment, drawn in the browser by the vendored Vega scripts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from l2o.publish import AssessmentView
from l2o.publish.charts import comparison_chart, cost_chart, quadrant_chart, radar_chart

__all__ = ["assessment_charts", "comparison_charts"]

Spec = dict[str, Any]


def assessment_charts(view: AssessmentView) -> dict[str, Spec]:
    """Radar (said vs shown), quadrant and cost of the gap for one assessment."""
    charts = {
        "radar": radar_chart([(dim.title, dim.said, dim.shown) for dim in view.dimensions]),
        "quadrant": quadrant_chart(view.index, view.technology, view.quadrant, view.name),
    }
    measured = [(c.label, c.amount) for c in view.cost.components if c.amount is not None]
    if measured:
        charts["cost"] = cost_chart(measured, view.cost.currency)
    return charts


def comparison_charts(
    before: AssessmentView, after: AssessmentView, labels: tuple[str, str]
) -> dict[str, Spec]:
    """Before and after, dimension by dimension."""
    rows = [
        (first.title, first.score, second.score)
        for first, second in zip(before.dimensions, after.dimensions, strict=True)
    ]
    return {"comparison": comparison_chart(rows, labels[0], labels[1])}


def chart_data(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """``spec`` as it goes into the page (a plain mapping, JSON-serialisable)."""
    return dict(spec)
