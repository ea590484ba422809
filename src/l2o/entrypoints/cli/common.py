"""What the commands share: the ``--db`` option and one-line errors with exit status 1."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

import typer

from l2o.errors import L2OError

__all__ = ["DB_OPTION", "fail", "guarded"]

T = TypeVar("T")

DB_OPTION = typer.Option(
    None,
    "--db",
    help="Database URL (sqlite:///PATH or postgresql+psycopg://...). "
    "Default: $L2O_DATABASE_URL, else sqlite:///./l2o-data/l2o.db.",
    show_default=False,
)


def fail(message: str) -> NoReturn:
    """Print ``message`` as one line on stderr (``error: ...``) and exit with status 1."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(1)


def guarded(step: Callable[[], T]) -> T:
    """Run ``step``; an L2O error becomes one line on stderr and exit status 1, no traceback."""
    try:
        return step()
    except L2OError as exc:
        fail(str(exc))
