"""``l2o serve [--host 127.0.0.1] [--port 8000] [--db URL]`` - the HTTP API under uvicorn."""

from __future__ import annotations

import typer

from l2o.entrypoints.cli.common import DB_OPTION, guarded
from l2o.settings import load_settings
from l2o.store import engine_for, ensure_current

__all__ = ["serve"]


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    db: str | None = DB_OPTION,
) -> None:
    """Serve the API (OpenAPI at /openapi.json, docs at /docs) until interrupted."""
    import uvicorn

    from l2o.entrypoints.api import create_api

    url = guarded(lambda: load_settings(db).database_url)
    engine = guarded(lambda: engine_for(url))
    guarded(lambda: ensure_current(engine))
    typer.echo(f"L2O API on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.run(create_api(engine), host=host, port=port, log_level="info")
