"""Attribution: which channels and campaigns earn the pipeline created and the revenue won,
by the model chosen (the default is the one that scored closest to the simulator's true
channel effects), with every model's credit side by side; the model and the grouping change
in place with htmx. Computed as ``l2o attribution`` computes it over the store."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from l2o.analytics.attribution import DEFAULT_MODEL, MODELS
from l2o.entrypoints.web.charts import attribution_charts
from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.entrypoints.web.outcomes import AttributionView, attribution_view

__all__ = ["CHART_ROWS", "GROUPINGS", "credit_rows", "named", "register"]

CHART_ROWS = 15
"""The channels or campaigns the credit chart shows (largest pipeline credit first); the
table lists them all."""

GROUPINGS = ("channel", "campaign")
"""What credit is given to."""


def credit_rows(view: AttributionView) -> list[dict[str, Any]]:
    """One row per channel or campaign (``name`` its key, ``label`` what it is shown as: a
    campaign's name): deals and pipeline created, deals and revenue won, with each one's share
    of the total."""
    if view.pipeline is None:
        return []
    revenue = view.revenue or {}
    pipeline_total = sum(c["value"] for c in view.pipeline.values())
    revenue_total = sum(c["value"] for c in revenue.values())
    rows = []
    for name, credit in view.pipeline.items():
        won = revenue.get(name, {"conversions": 0.0, "value": 0.0})
        rows.append(
            {
                "name": name,
                "label": view.label(name),
                "deals": credit["conversions"],
                "pipeline": credit["value"],
                "pipeline_share": credit["value"] / pipeline_total if pipeline_total else None,
                "won": won["conversions"],
                "revenue": won["value"],
                "revenue_share": won["value"] / revenue_total if revenue_total else None,
            }
        )
    return rows


def named(view: AttributionView) -> AttributionView:
    """The view with its credit keyed by what each campaign is shown as (its name), for the
    charts; channels, and campaigns without a name, keep their keys."""
    if not view.names:
        return view

    def relabel(credit: dict[str, dict[str, float]] | None) -> dict[str, dict[str, float]] | None:
        return None if credit is None else {view.label(k): v for k, v in credit.items()}

    return replace(
        view,
        pipeline=relabel(view.pipeline),
        revenue=relabel(view.revenue),
        models={m: relabel(c) or {} for m, c in view.models.items()},
    )


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The attribution page (whole, or its credit section alone for htmx) on ``router``."""
    reader = Annotated[Viewer, Depends(dashboard.require("forecast:read"))]

    @router.get("/attribution", response_class=HTMLResponse)
    def attribution_page(
        request: Request, viewer: reader, model: str = DEFAULT_MODEL, by: str = "channel"
    ) -> HTMLResponse:
        """Credit per channel or campaign for pipeline and revenue, by the chosen model."""
        model = model if model in MODELS else DEFAULT_MODEL
        by = by if by in GROUPINGS else "channel"
        view = attribution_view(dashboard.engine, dashboard.outcomes, model, by)
        context = {
            "view": view,
            "rows": credit_rows(view),
            "models": list(MODELS),
            "groupings": GROUPINGS,
            "default_model": DEFAULT_MODEL,
            "charts": attribution_charts(named(view), DEFAULT_MODEL, limit=CHART_ROWS),
            "chart_rows": CHART_ROWS,
        }
        htmx = request.headers.get("HX-Request") == "true"
        template = "fragments/attribution_credit.html" if htmx else "attribution.html"
        return dashboard.page(request, template, viewer, context)
