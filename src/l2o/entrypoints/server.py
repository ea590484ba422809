"""What ``l2o serve`` runs: the dashboard at ``/`` and the REST API at ``/api``, one process.

::

    app = create_app(engine_for(url), spec="architecture.yaml")

The API is its own FastAPI app (``l2o.entrypoints.api.create_api``) mounted at ``/api``: its
OpenAPI document is ``/api/openapi.json`` and its docs ``/api/docs`` (``/openapi.json`` and
``/docs`` lead there). The dashboard's pages (``l2o.entrypoints.web``) answer everywhere else.
Both sign people in with the same API tokens.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine

from l2o.__about__ import __version__
from l2o.entrypoints.api import create_api
from l2o.entrypoints.web import create_router, mount_static
from l2o.spec import ArchitectureSpec, load_spec

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api"


def create_app(engine: Engine, *, spec: ArchitectureSpec | str | Path | None = None) -> FastAPI:
    """The dashboard and the API over the store at ``engine``, applying ``spec``."""
    loaded = load_spec(spec) if isinstance(spec, str | Path) else spec
    app = FastAPI(title="L2O", version=__version__, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> RedirectResponse:
        return RedirectResponse(f"{API_PREFIX}/openapi.json")

    @app.get("/docs", include_in_schema=False)
    def docs() -> RedirectResponse:
        return RedirectResponse(f"{API_PREFIX}/docs")

    app.mount(API_PREFIX, create_api(engine, spec=loaded))
    mount_static(app)
    app.include_router(create_router(engine, spec=loaded))
    return app
