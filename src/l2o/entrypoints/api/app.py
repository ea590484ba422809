"""The one app factory: ``create_api(engine)`` -> a FastAPI app over that store.

::

    app = create_api(engine_for("sqlite:///./l2o-data/l2o.db"))
    # uvicorn serves it: l2o serve --port 8000

OpenAPI at ``/openapi.json``, interactive docs at ``/docs``. Every request but ``/health``,
the docs and the signed inbound webhooks needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from l2o.__about__ import __version__
from l2o.entrypoints.api.config import ApiSettings
from l2o.entrypoints.api.deps import ApiContext
from l2o.entrypoints.api.guards import RequestGuards
from l2o.entrypoints.api.problems import install_problem_handlers
from l2o.entrypoints.api.routes import commands, operations, records, webhooks
from l2o.spec import ArchitectureSpec, load_spec

__all__ = ["create_api"]


def create_api(
    engine: Engine,
    *,
    spec: ArchitectureSpec | str | Path | None = None,
    settings: ApiSettings | None = None,
) -> FastAPI:
    """The L2O HTTP API over the store at ``engine``.

    ``spec`` is the architecture the commands apply (default: ``L2O_SPEC``, else
    ``./architecture.yaml``, loaded on the first command); ``settings`` the limits and the
    inbound webhook secret (default: from the environment).
    """
    settings = settings or ApiSettings()
    loaded = load_spec(spec) if isinstance(spec, str | Path) else spec
    context = ApiContext(engine=engine, settings=settings, spec=loaded)
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
    for router in (records.router, commands.router, webhooks.router, operations.router):
        app.include_router(router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Whether the API is up (no token needed)."""
        return {"status": "ok", "version": __version__}

    return app
