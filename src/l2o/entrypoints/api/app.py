"""The one app factory: ``create_api(engine)`` -> a FastAPI app over that store.

::

    app = create_api(engine_for("sqlite:///./l2o-data/l2o.db"))
    # uvicorn serves it: l2o serve --port 8000

OpenAPI at ``/openapi.json``, interactive docs at ``/docs``. Every request but ``/health``,
the docs and the signed inbound webhooks needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy.engine import Engine
from starlette.routing import BaseRoute

from l2o.__about__ import __version__
from l2o.entrypoints.api.config import ApiSettings
from l2o.entrypoints.api.deps import ApiContext
from l2o.entrypoints.api.guards import RequestGuards
from l2o.entrypoints.api.problems import install_problem_handlers
from l2o.entrypoints.api.routes import commands, operations, records, webhooks
from l2o.spec import ArchitectureSpec, load_spec

__all__ = ["create_api"]

#: The order the OpenAPI document lists the routers' operations in.
DOCUMENTED = (records.router, commands.router, webhooks.router, operations.router)
#: The order requests are matched in: the commands (``POST /leads`` above all) first, so a
#: command is not compared with the 28 record routes before its own. No two routes of
#: different routers match the same method and path, so which route answers is the same.
MATCHED = (commands.router, records.router, webhooks.router, operations.router)


def create_api(
    engine: Engine,
    *,
    spec: ArchitectureSpec | str | Path | None = None,
    settings: ApiSettings | None = None,
    models_dir: str | Path | None = None,
) -> FastAPI:
    """The L2O HTTP API over the store at ``engine``; with ``models_dir`` the engine scores
    with the learned models the AI-readiness gate switched on there.

    ``spec`` is the architecture the commands apply (default: ``L2O_SPEC``, else
    ``./architecture.yaml``, loaded on the first command); ``settings`` the limits and the
    inbound webhook secret (default: from the environment).
    """
    settings = settings or ApiSettings()
    loaded = load_spec(spec) if isinstance(spec, str | Path) else spec
    context = ApiContext(engine=engine, settings=settings, spec=loaded, models_dir=models_dir)
    app = FastAPI(
        title="L2O",
        version=__version__,
        summary="Lead-to-Order revenue architecture: records, commands, imports, assessments.",
        description=(
            "Errors are application/problem+json (RFC 9457) naming the rule that refused. "
            "Every POST takes an Idempotency-Key header."
        ),
    )
    app.state.l2o = context
    install_problem_handlers(app)
    app.add_middleware(RequestGuards, context=context)
    for router in MATCHED:
        app.include_router(router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Whether the API is up (no token needed)."""
        return {"status": "ok", "version": __version__}

    app.openapi = _documented_openapi(app)  # type: ignore[method-assign]
    return app


def _documented_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` listing the operations in :data:`DOCUMENTED` router order, as if the
    routers had been included in that order (FastAPI's own arguments otherwise)."""
    position = {id(router): index for index, router in enumerate(DOCUMENTED)}

    def place(route: BaseRoute) -> int:
        router = getattr(route, "original_router", None)
        return position.get(id(router), -1) if isinstance(router, APIRouter) else -1

    def openapi() -> dict[str, Any]:
        if not app.openapi_schema:
            routes = list(app.routes)
            included = sorted((r for r in routes if place(r) >= 0), key=place)
            ordered = iter(included)
            routes = [next(ordered) if place(r) >= 0 else r for r in routes]
            app.openapi_schema = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                terms_of_service=app.terms_of_service,
                contact=app.contact,
                license_info=app.license_info,
                routes=routes,
                webhooks=app.webhooks.routes,
                tags=app.openapi_tags,
                servers=app.servers,
                separate_input_output_schemas=app.separate_input_output_schemas,
                external_docs=app.openapi_external_docs,
            )
        return app.openapi_schema

    return openapi
