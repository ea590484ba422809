"""The dashboard's router and its static files (stylesheet, chart script, vendored JS)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from l2o.entrypoints.web.context import Dashboard
from l2o.entrypoints.web.pages import (
    approvals,
    assessment,
    attribution,
    audit,
    forecast,
    leads,
    overview,
    pipeline,
    revenue,
    signin,
)
from l2o.services.bootstrap import RevenueSystem
from l2o.spec import ArchitectureSpec

__all__ = ["STATIC_DIR", "STATIC_URL", "create_router", "mount_static"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""The dashboard's static files, shipped inside the package."""

STATIC_URL = "/static/web"
"""Where :func:`mount_static` serves them; the templates link here."""


def create_router(
    engine: Engine,
    *,
    spec: ArchitectureSpec | str | Path | RevenueSystem | None = None,
    models_dir: str | Path | None = None,
) -> APIRouter:
    """The dashboard's pages over the store at ``engine``, served from ``/``.

    ``spec`` is the architecture the pipeline, approvals and coaching pages apply (a
    loaded spec, a YAML path or a built :class:`RevenueSystem`); without it those pages
    answer 503 and the assessment, leads, revenue and audit pages still work.
    """
    if isinstance(spec, RevenueSystem):
        system: RevenueSystem | None = spec
    elif spec is not None:
        system = RevenueSystem.build(spec, engine, source="web", models_dir=models_dir)
    else:
        system = None
    dashboard = Dashboard(engine, system)
    router = APIRouter(include_in_schema=False, route_class=dashboard.route_class())
    areas = (
        signin,
        overview,
        assessment,
        pipeline,
        approvals,
        leads,
        revenue,
        forecast,
        attribution,
        audit,
    )
    for area in areas:
        area.register(router, dashboard)
    return router


def mount_static(app: FastAPI) -> None:
    """Serve the dashboard's static files at :data:`STATIC_URL` on ``app``."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="dashboard-static")
