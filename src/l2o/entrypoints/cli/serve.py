"""``l2o serve [--host 127.0.0.1] [--port 8000] [--workers N] [--db URL] [--spec FILE]`` -
the dashboard and the REST API (at ``/api``) under uvicorn, in one process or ``N`` (see
:mod:`l2o.entrypoints.serving`)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from l2o.entrypoints.cli.common import DB_OPTION, guarded
from l2o.settings import load_settings
from l2o.store import engine_for, ensure_current

__all__ = ["serve"]


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Worker processes (each with its own socket)."
    ),
    db: str | None = DB_OPTION,
    spec: Path | None = typer.Option(
        None, "--spec", exists=True, dir_okay=False, help="The architecture the commands apply."
    ),
) -> None:
    """Serve the dashboard and the API (docs at /api/docs) until interrupted."""
    import uvicorn

    from l2o.entrypoints.server import create_app
    from l2o.entrypoints.serving import make_ready

    settings = guarded(lambda: load_settings(db))
    url = settings.database_url
    models = settings.data_dir / "models"
    engine = guarded(lambda: engine_for(url))
    guarded(lambda: ensure_current(engine))
    app = guarded(lambda: create_app(engine, spec=spec, models_dir=models))
    typer.echo(f"L2O on http://{host}:{port} (API docs at /api/docs)", err=True)
    if workers > 1:
        from l2o.entrypoints.serving import serve as serve_workers

        engine.dispose()
        os.environ["L2O_DATABASE_URL"] = url
        if spec is not None:
            os.environ["L2O_SPEC"] = str(spec.resolve())
        typer.echo(f"{workers} worker processes", err=True)
        serve_workers(host, port, workers)
        return
    make_ready(app)
    uvicorn.run(app, host=host, port=port, log_level="info")
