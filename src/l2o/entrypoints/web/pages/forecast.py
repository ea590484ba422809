"""The forecast: every method's number for a period with the Monte Carlo P10-P90 interval,
and the track record that says which method has earned trust (backtest MAPE and bias),
computed as ``l2o forecast --backtest`` computes them. The backtest comes as an htmx
fragment, so the page never waits for it."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from l2o.entrypoints.web.charts import forecast_charts, track_record_charts
from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.entrypoints.web.outcomes import forecast_view, track_record
from l2o.errors import L2OError
from l2o.publish.outcome_charts import earned_trust

__all__ = ["register", "track_record_context"]


def track_record_context(dashboard: Dashboard, kind: str) -> dict[str, Any]:
    """The backtest's scores, the method that has earned trust and its chart (or why not)."""
    try:
        scores = track_record(dashboard.engine, dashboard.outcomes, kind)
    except L2OError as error:
        return {"backtest_error": str(error), "scores": [], "trust": None, "charts": {}}
    return {
        "scores": scores,
        "trust": earned_trust(scores),
        "charts": track_record_charts(scores),
        "kind": kind,
    }


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The forecast page and its track-record fragment on ``router``."""
    reader = Annotated[Viewer, Depends(dashboard.require("forecast:read"))]

    @router.get("/forecast", response_class=HTMLResponse)
    def forecast_page(request: Request, viewer: reader, period: str | None = None) -> HTMLResponse:
        """Every method's forecast of a period (default: the one still open)."""
        view = forecast_view(dashboard.engine, dashboard.outcomes, period)
        context = {"view": view, "charts": forecast_charts(view)}
        status = 422 if view.error and period else 200
        return dashboard.page(request, "forecast.html", viewer, context, status_code=status)

    @router.get("/forecast/summary", response_class=HTMLResponse)
    def forecast_summary(request: Request, viewer: reader) -> HTMLResponse:
        """The open period's forecast interval and the method that has earned trust, for
        the executive overview (htmx fragment)."""
        view = forecast_view(dashboard.engine, dashboard.outcomes)
        context = {"view": view, **track_record_context(dashboard, view.kind)}
        return dashboard.page(request, "fragments/forecast_summary.html", viewer, context)

    @router.get("/forecast/track-record", response_class=HTMLResponse)
    def track_record_fragment(
        request: Request, viewer: reader, kind: str = "quarter", summary: bool = False
    ) -> HTMLResponse:
        """The backtest per method (htmx fragment; ``summary``: the verdict alone)."""
        context = track_record_context(dashboard, kind)
        template = "fragments/trust_summary.html" if summary else "fragments/track_record.html"
        return dashboard.page(request, template, viewer, context)
