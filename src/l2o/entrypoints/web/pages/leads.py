"""Leads and the routing log: who got each lead and why ("why this owner": the rule, the
pool's rotation, every rule and rep passed over), and each lead's handoff SLA."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from l2o import domain as d
from l2o.engine import SlaStatus
from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.entrypoints.web.reading import recent_assignments, scoped_leads, user_names
from l2o.services.bootstrap import RevenueSystem

__all__ = ["register", "sla_statuses"]


def sla_statuses(system: RevenueSystem | None, lead: d.Lead, now: datetime) -> list[SlaStatus]:
    """The handoff SLAs running or decided for ``lead`` (none without a spec)."""
    if system is None or not system.rules.slas.by_stage or system.spec.signals is None:
        return []
    first_stage = system.spec.signals.lead_stages[0].id
    statuses: list[SlaStatus] = []
    for stage in system.rules.slas.by_stage:
        entered = getattr(lead, f"{stage}_at", None) or (
            lead.created_at if stage == first_stage else None
        )
        if entered is not None:
            statuses += system.rules.slas.status_of_lead(lead, stage, entered_at=entered, now=now)
    return statuses


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The lead and routing pages on ``router``."""
    lead_reader = Annotated[Viewer, Depends(dashboard.require("lead:read"))]
    routing_reader = Annotated[Viewer, Depends(dashboard.require("routing:read"))]

    @router.get("/leads", response_class=HTMLResponse)
    def leads_page(request: Request, viewer: lead_reader) -> HTMLResponse:
        """The newest leads in the person's scope with their scores and SLA."""
        now = dashboard.system.now() if dashboard.system is not None else d.utc_now()
        leads = scoped_leads(dashboard.engine, viewer.owners)
        rows = [(lead, sla_statuses(dashboard.system, lead, now)) for lead in leads]
        return dashboard.page(
            request,
            "leads.html",
            viewer,
            {"rows": rows, "names": user_names(dashboard.engine)},
        )

    @router.get("/routing", response_class=HTMLResponse)
    def routing_log(request: Request, viewer: routing_reader) -> HTMLResponse:
        """The routing log: each routing's owner, rule, pool and why."""
        now = dashboard.system.now() if dashboard.system is not None else d.utc_now()
        routed = recent_assignments(dashboard.engine, viewer.owners)
        rows = [
            (r, sla_statuses(dashboard.system, r.lead, now) if r.lead is not None else [])
            for r in routed
        ]
        states = [s.state for _, statuses in rows for s in statuses]
        return dashboard.page(
            request,
            "routing.html",
            viewer,
            {
                "rows": rows,
                "names": user_names(dashboard.engine),
                "sla": {state: states.count(state) for state in ("met", "pending", "breached")},
            },
        )
