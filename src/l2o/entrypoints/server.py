"""What ``l2o serve`` runs: the dashboard at ``/`` and the REST API at ``/api``, one process.

::

    app = create_app(engine_for(url), spec="architecture.yaml")

The API is its own FastAPI app (``l2o.entrypoints.api.create_api``) mounted at ``/api``: its
OpenAPI document is ``/api/openapi.json`` and its docs ``/api/docs`` (``/openapi.json`` and
``/docs`` lead there). The dashboard's pages (``l2o.entrypoints.web``) answer everywhere else.
Both sign people in with the same API tokens.

A request under ``/api/`` goes straight to the API app, as the mount would send it (the
same ``root_path``), without passing the dashboard app's middleware and route matching
first: that costs a tenth of a small request's time. Everything else, the lifespan and
``/api`` itself (redirected to ``/api/``) included, takes the dashboard app's usual path.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from sqlalchemy.engine import Engine
from starlette._utils import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from l2o.__about__ import __version__
from l2o.entrypoints.api import create_api
from l2o.entrypoints.api.deps import ApiContext
from l2o.entrypoints.web import create_router, mount_static
from l2o.errors import L2OError
from l2o.spec import ArchitectureSpec, load_spec

__all__ = ["API_PREFIX", "build_ahead", "create_app"]

API_PREFIX = "/api"

_log = logging.getLogger(__name__)


def create_app(
    engine: Engine,
    *,
    spec: ArchitectureSpec | str | Path | None = None,
    models_dir: str | Path | None = None,
) -> FastAPI:
    """The dashboard and the API over the store at ``engine``, applying ``spec``; with
    ``models_dir``, scoring with the learned models the AI-readiness gate switched on."""
    loaded = load_spec(spec) if isinstance(spec, str | Path) else spec
    api = create_api(engine, spec=loaded, models_dir=models_dir)
    app = _Site(
        api,
        title="L2O",
        version=__version__,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> RedirectResponse:
        return RedirectResponse(f"{API_PREFIX}/openapi.json")

    @app.get("/docs", include_in_schema=False)
    def docs() -> RedirectResponse:
        return RedirectResponse(f"{API_PREFIX}/docs")

    app.mount(API_PREFIX, api)
    mount_static(app)
    app.include_router(create_router(engine, spec=loaded, models_dir=models_dir))
    return app


def build_ahead(app: FastAPI) -> None:
    """Build what the first API request would build - the revenue system: the spec's
    compiled rules over the store - now, as the server starts, so that settling the heap
    (:func:`l2o.entrypoints.serving.settle_heap`) freezes it with the rest. A spec or store
    it cannot be built from is left for the requests to report, as without."""
    if not isinstance(app, _Site) or not isinstance(app.api, FastAPI):
        return
    context: ApiContext = app.api.state.l2o
    try:
        context.system()
    except L2OError as exc:
        _log.warning("the revenue system will be built on the first request: %s", exc)


class _Site(FastAPI):
    """The dashboard app, handing requests under ``/api/`` straight to the mounted API."""

    def __init__(self, api: ASGIApp, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] in ("http", "websocket")
            and get_route_path(scope).startswith(_API_PATH)
            and not self._traced()
        ):
            # What this app's router and ``Mount(API_PREFIX)`` put in the scope they hand on.
            root_path = scope.get("root_path", "")
            scope["app"] = self
            scope.setdefault("router", self.router)
            scope.update(
                path_params=dict(scope.get("path_params", {})),
                app_root_path=scope.get("app_root_path", root_path),
                root_path=root_path + API_PREFIX,
                endpoint=self.api,
            )
            await self.api(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def _traced(self) -> bool:
        """Whether FastAPI's own tracing is on: then requests take the usual path, so their
        spans name the route with its ``/api`` prefix."""
        telemetry = getattr(self, "_native_telemetry", None)
        return telemetry is not None and bool(telemetry.enabled())


_API_PATH = API_PREFIX + "/"
