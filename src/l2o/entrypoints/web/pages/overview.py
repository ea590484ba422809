"""The overview a person lands on, by persona: the executive's (index, revenue outcomes,
cost of the gap), the manager's (team pipeline, gates, stalls, approvals, routing SLAs),
the rep's (my deals with their next best actions, my leads) and the adviser's (the
assessment and its before/after)."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.entrypoints.web.pages.leads import sla_statuses
from l2o.entrypoints.web.pages.pipeline import deal_cards
from l2o.entrypoints.web.pages.revenue import headline, metric_report, shown
from l2o.entrypoints.web.reading import (
    open_deals,
    pending_approvals,
    recent_assignments,
    scoped_leads,
    user_names,
)
from l2o.errors import L2OError
from l2o.publish import AssessmentView
from l2o.services.assessment_snapshots import list_snapshots, load_snapshot
from l2o.services.coaching import coach_deals

__all__ = ["PERSONAS", "persona_of", "register"]

PERSONAS = {
    "admin": "executive",
    "revops": "executive",
    "manager": "manager",
    "approver": "manager",
    "rep": "rep",
    "viewer": "adviser",
}
"""The overview each access role lands on."""


def persona_of(viewer: Viewer) -> str:
    """The persona whose overview the person sees."""
    return PERSONAS.get(viewer.principal.access_role, "adviser")


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The overview page on ``router``."""
    anyone = Annotated[Viewer, Depends(dashboard.require())]

    @router.get("/", response_class=HTMLResponse)
    def overview(request: Request, viewer: anyone) -> HTMLResponse:
        """The signed-in person's overview."""
        persona = persona_of(viewer)
        context: dict[str, Any] = {"persona": persona, "names": user_names(dashboard.engine)}
        if viewer.may("assessment:read"):
            context.update(_assessment(dashboard))
        if persona == "executive" and viewer.may("forecast:read"):
            report = metric_report(dashboard.engine)
            context["metrics"] = [] if isinstance(report, str) else headline(report)
            context["metrics_error"] = report if isinstance(report, str) else None
            context["shown"] = shown
            context["forecast_summary"] = True  # loaded by htmx: never holds up the page
        if persona in ("executive", "manager") and viewer.may("pipeline:read"):
            context.update(_team(dashboard, viewer))
        if persona == "rep":
            context.update(_mine(dashboard, viewer))
        return dashboard.page(request, "overview.html", viewer, context)


def _assessment(dashboard: Dashboard) -> dict[str, Any]:
    snapshots = list_snapshots(dashboard.engine)
    if not snapshots:
        return {"assessment": None}
    latest = AssessmentView.from_json(load_snapshot(dashboard.engine, snapshots[-1].id))
    first = (
        AssessmentView.from_json(load_snapshot(dashboard.engine, snapshots[0].id))
        if len(snapshots) > 1
        else None
    )
    return {"assessment": latest, "first_assessment": first, "snapshot_count": len(snapshots)}


def _team(dashboard: Dashboard, viewer: Viewer) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if dashboard.system is not None:
        cards = deal_cards(dashboard.system, open_deals(dashboard.engine, viewer.owners), viewer)
        context["team"] = {
            "deals": len(cards),
            "amount": sum(float(c.deal.amount or 0) for c in cards),
            "blocked": sum(1 for c in cards if c.decision is not None and not c.ready),
            "stalled": sum(1 for c in cards if c.stall is not None and c.stall.stalled),
        }
    if viewer.may("approval:decide"):
        context["approvals_pending"] = len(pending_approvals(dashboard.engine, viewer.owners))
    if viewer.may("routing:read"):
        now = dashboard.system.now() if dashboard.system is not None else None
        states: list[str] = []
        routed = recent_assignments(dashboard.engine, viewer.owners)
        if now is not None:
            for r in routed:
                if r.lead is not None:
                    states += [s.state for s in sla_statuses(dashboard.system, r.lead, now)]
        context["routing"] = {
            "routed": len(routed),
            "met": states.count("met"),
            "pending": states.count("pending"),
            "breached": states.count("breached"),
        }
    return context


def _mine(dashboard: Dashboard, viewer: Viewer) -> dict[str, Any]:
    me = viewer.principal.user_id
    context: dict[str, Any] = {"my_coaching": [], "my_leads": []}
    if dashboard.system is not None and viewer.may("pipeline:read"):
        try:
            coaching = coach_deals(dashboard.system)
        except L2OError as error:
            context["coaching_error"] = str(error)
            coaching = []
        context["my_coaching"] = [c for c in coaching if c.deal.owner_id == me]
    if viewer.may("lead:read"):
        context["my_leads"] = list(scoped_leads(dashboard.engine, frozenset({me}), limit=25))
    return context
