"""The dashboard's charts: the report's Vega-Lite specs (:mod:`l2o.publish.charts` for a
saved assessment, :mod:`l2o.publish.outcome_charts` for forecasts, attribution and metrics),
drawn in the browser by the vendored Vega scripts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from l2o.analytics.forecast import MethodScore
from l2o.analytics.metrics import MetricValue
from l2o.entrypoints.web.outcomes import AttributionView, ForecastView
from l2o.publish import AssessmentView
from l2o.publish.charts import comparison_chart, cost_chart, quadrant_chart, radar_chart
from l2o.publish.outcome_charts import (
    attribution_chart,
    credit_chart,
    forecast_chart,
    funnel_chart,
    retention_chart,
    stage_conversion_chart,
    track_record_chart,
)

__all__ = [
    "assessment_charts",
    "attribution_charts",
    "comparison_charts",
    "forecast_charts",
    "metric_charts",
    "track_record_charts",
]

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


def forecast_charts(view: ForecastView) -> dict[str, Spec]:
    """Each method's forecast of the period with the P10-P90 interval."""
    if not view.methods:
        return {}
    return {"forecast": forecast_chart(view.methods, view.period, width=360)}


def track_record_charts(scores: list[MethodScore]) -> dict[str, Spec]:
    """Backtest MAPE and bias per method, the trusted one marked."""
    return {"track_record": track_record_chart(scores, width=320)} if scores else {}


def attribution_charts(
    view: AttributionView, default_model: str, *, limit: int = 15
) -> dict[str, Spec]:
    """The chosen model's pipeline and revenue credit (the ``limit`` largest pipeline credits),
    and, per channel, every model's share side by side."""
    charts: dict[str, Spec] = {}
    if view.pipeline is not None:
        keep = sorted(view.pipeline, key=lambda k: -view.pipeline[k]["value"])[:limit]  # type: ignore[index]
        pipeline = {k: view.pipeline[k] for k in keep}
        revenue = {k: v for k, v in view.revenue.items() if k in pipeline} if view.revenue else None
        charts["credit"] = credit_chart(pipeline, revenue, model=view.model, by=view.by)
    if view.models and view.by == "channel":
        charts["models"] = attribution_chart(view.models, default_model=default_model)
    return charts


def metric_charts(values: list[MetricValue]) -> dict[str, Spec]:
    """Funnel, stage-to-stage conversion and retention (NRR, GRR) of the whole company."""
    return {
        "funnel": funnel_chart(values),
        "stages": stage_conversion_chart(values),
        "retention": retention_chart(values),
    }


def chart_data(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """``spec`` as it goes into the page (a plain mapping, JSON-serialisable)."""
    return dict(spec)
