"""``l2o db upgrade|current`` - create and migrate the store.

The database is ``--db URL``, else ``L2O_DATABASE_URL``, else the embedded SQLite file
``./l2o-data/l2o.db``. Failures (bad URL, unreachable server) print one line and exit 1.
"""

from __future__ import annotations

import typer

from l2o.entrypoints.cli.common import DB_OPTION, guarded
from l2o.settings import load_settings
from l2o.store import current_revision, describe_url, head_revision, upgrade

app = typer.Typer(help="Create and migrate the store.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(db: str | None = DB_OPTION) -> None:
    """Create the schema or bring it up to date with this version of L2O."""
    url = guarded(lambda: load_settings(db).database_url)
    before, after = guarded(lambda: upgrade(url))
    where = describe_url(url)
    if before == after:
        typer.echo(f"{where}: already at {after} (head), nothing to do")
    else:
        typer.echo(f"{where}: upgraded {before or 'empty'} -> {after}")


@app.command("current")
def current_command(db: str | None = DB_OPTION) -> None:
    """Show the schema revision of the database and whether it is up to date."""
    url = guarded(lambda: load_settings(db).database_url)
    current = guarded(lambda: current_revision(url))
    head = head_revision()
    where = describe_url(url)
    if current is None:
        typer.echo(f"{where}: no L2O schema (head is {head}); run `l2o db upgrade`")
    elif current == head:
        typer.echo(f"{where}: {current} (head)")
    else:
        typer.echo(f"{where}: {current}, behind head {head}; run `l2o db upgrade`")
