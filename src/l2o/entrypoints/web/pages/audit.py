"""The audit view: the newest audit rows, or one record's trail."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.entrypoints.web.reading import recent_audit, user_names

__all__ = ["register"]


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The audit page on ``router``."""
    auditor = Annotated[Viewer, Depends(dashboard.require("audit:read"))]

    @router.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request, viewer: auditor, record: str | None = None) -> HTMLResponse:
        """The audit log, newest first (one record's when ``record`` is given)."""
        return dashboard.page(
            request,
            "audit.html",
            viewer,
            {
                "entries": recent_audit(dashboard.engine, record_id=record or None),
                "record": record or "",
                "names": user_names(dashboard.engine),
            },
        )
