"""Revenue outcomes for the executive: retention (NRR, GRR), win rates, cycle time, coverage,
the lead funnel and stage-to-stage conversion, each with its definition and n, from the
store's metrics (:mod:`l2o.analytics.metrics`)."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Engine

from l2o.analytics.metrics import MetricReport, MetricValue, compute_metrics
from l2o.entrypoints.web.charts import metric_charts
from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.errors import L2OError
from l2o.services.metrics_reading import open_metrics_tables

__all__ = ["HEADLINE_METRICS", "metric_report", "register", "shown"]

HEADLINE_METRICS = (
    "net_revenue_retention",
    "gross_revenue_retention",
    "win_rate_count",
    "win_rate_amount",
    "cycle_time",
    "sales_velocity",
    "pipeline_coverage",
    "speed_to_lead",
    "lead_to_won",
)
"""The metrics the revenue page leads with, in order."""


def metric_report(engine: Engine) -> MetricReport | str:
    """The store's metrics as of its last day, or why they cannot be computed."""
    try:
        with open_metrics_tables(engine.url) as tables:
            return compute_metrics(tables, None)
    except L2OError as error:
        return str(error)


def shown(value: MetricValue) -> str:
    """A metric's value as a person reads it; "not measured" when there is none."""
    if value.value is None:
        return "not measured"
    if value.unit == "ratio":
        return f"{value.value:.1%}"
    if value.unit == "x":
        return f"{value.value:.2f}x"
    if value.unit == "money/day":
        return f"{value.value:,.0f}/day"
    return f"{value.value:,.1f} {value.unit}"


def headline(report: MetricReport) -> list[MetricValue]:
    """The headline metrics (whole company, no group) the report has, in order."""
    found = {v.metric: v for v in report.values if v.group is None and v.step is None}
    return [found[name] for name in HEADLINE_METRICS if name in found]


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The revenue page on ``router``."""
    reader = Annotated[Viewer, Depends(dashboard.require("forecast:read"))]

    @router.get("/revenue", response_class=HTMLResponse)
    def revenue_page(request: Request, viewer: reader) -> HTMLResponse:
        """Retention, win rates, velocity and coverage, each with how it was computed."""
        report = metric_report(dashboard.engine)
        context: dict[str, object] = {"shown": shown}
        if isinstance(report, str):
            context["error"] = report
        else:
            context.update(
                report=report, metrics=headline(report), charts=metric_charts(list(report.values))
            )
        return dashboard.page(request, "revenue.html", viewer, context)
