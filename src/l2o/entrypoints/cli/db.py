"""``l2o db upgrade|current`` - create and migrate the store.

The database is ``--db URL``, else ``L2O_DATABASE_URL``, else the embedded SQLite file
``./l2o-data/l2o.db``. Failures (bad URL, unreachable server) print one line and exit 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from l2o.errors import L2OError
from l2o.settings import load_settings
from l2o.store import current_revision, describe_url, head_revision, upgrade

app = typer.Typer(help="Create and migrate the store.", no_args_is_help=True)

T = TypeVar("T")

_DB_OPTION = typer.Option(
    None,
    "--db",
    help="Database URL (sqlite:///PATH or postgresql+psycopg://...). "
    "Default: $L2O_DATABASE_URL, else sqlite:///./l2o-data/l2o.db.",
    show_default=False,
)


@app.command("upgrade")
def upgrade_command(db: str | None = _DB_OPTION) -> None:
    """Create the schema or bring it up to date with this version of L2O."""
    url = _resolve(lambda: load_settings(db).database_url)
    before, after = _resolve(lambda: upgrade(url))
    where = describe_url(url)
    if before == after:
        typer.echo(f"{where}: already at {after} (head), nothing to do")
    else:
        typer.echo(f"{where}: upgraded {before or 'empty'} -> {after}")


@app.command("current")
def current_command(db: str | None = _DB_OPTION) -> None:
    """Show the schema revision of the database and whether it is up to date."""
    url = _resolve(lambda: load_settings(db).database_url)
    current = _resolve(lambda: current_revision(url))
    head = head_revision()
    where = describe_url(url)
    if current is None:
        typer.echo(f"{where}: no L2O schema (head is {head}); run `l2o db upgrade`")
    elif current == head:
        typer.echo(f"{where}: {current} (head)")
    else:
        typer.echo(f"{where}: {current}, behind head {head}; run `l2o db upgrade`")


def _resolve(step: Callable[[], T]) -> T:
    """Run ``step``; an L2O error becomes one line on stderr and exit status 1."""
    try:
        return step()
    except L2OError as exc:
        typer.echo(f"error: {_one_line(str(exc))}", err=True)
        raise typer.Exit(1) from None


def _one_line(message: str) -> str:
    # Some messages (pydantic's validation errors) span lines and end with a help link.
    lines = [line.strip() for line in message.splitlines()]
    return " ".join(line for line in lines if line and not line.startswith("For further"))
