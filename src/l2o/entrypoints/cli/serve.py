"""``l2o serve [--host 127.0.0.1] [--port 8000] [--db URL] [--spec FILE]`` - the dashboard
and the REST API (at ``/api``) under uvicorn."""

from __future__ import annotations

from pathlib import Path

import typer

from l2o.entrypoints.cli.common import DB_OPTION, guarded
from l2o.settings import load_settings
from l2o.store import engine_for, ensure_current

__all__ = ["serve"]


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    db: str | None = DB_OPTION,
    spec: Path | None = typer.Option(
        None, "--spec", exists=True, dir_okay=False, help="The architecture the commands apply."
    ),
) -> None:
    """Serve the dashboard and the API (docs at /api/docs) until interrupted."""
    import uvicorn

    from l2o.entrypoints.server import create_app

    url = guarded(lambda: load_settings(db).database_url)
    engine = guarded(lambda: engine_for(url))
    guarded(lambda: ensure_current(engine))
    app = guarded(lambda: create_app(engine, spec=spec))
    typer.echo(f"L2O on http://{host}:{port} (API docs at /api/docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
