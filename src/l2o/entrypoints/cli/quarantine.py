"""``l2o quarantine list|show BATCH|retry BATCH`` - why rows were refused, and a second try.

``list`` shows the latest import batches with their counts; ``show`` a batch's refused rows
grouped by rule, then each row (record type, row number, field, rule, message, raw
content); ``retry`` imports the batch's folder again after the file or mapping was fixed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from l2o.entrypoints.cli.common import DB_OPTION
from l2o.errors import L2OError
from l2o.ingest import MappingError
from l2o.services.quarantine import (
    find_batch,
    list_batches,
    quarantined_rows,
    retry_batch,
    rule_counts,
)
from l2o.settings import load_settings
from l2o.store import engine_for

app = typer.Typer(
    help="See why import rows were refused, and import them again.", no_args_is_help=True
)

T = TypeVar("T")


@app.command("list")
def list_command(
    db: str | None = DB_OPTION,
    limit: int = typer.Option(20, "--limit", min=1, help="How many batches to show."),
) -> None:
    """The latest import batches, newest first, with their counts."""
    batches = _run(db, lambda engine: list_batches(engine, limit))
    table = Table(title="Import batches (ids shortened; a unique prefix is enough)")
    table.add_column("batch", no_wrap=True)
    table.add_column("source")
    table.add_column("started", no_wrap=True)
    table.add_column("status")
    for name in ("read", "inserted", "updated", "unchanged", "quarantined"):
        table.add_column(name, justify="right")
    for b in batches:
        table.add_row(
            b.id[:8],
            b.source_system,
            f"{b.started_at:%Y-%m-%d %H:%M}",
            str(b.status),
            f"{b.rows_read:,}",
            f"{b.rows_inserted:,}",
            f"{b.rows_updated:,}",
            f"{b.rows_unchanged:,}",
            f"{b.rows_quarantined:,}",
        )
    Console().print(table)


@app.command("show")
def show_command(
    batch: str = typer.Argument(..., help="The batch id (or a unique prefix)."),
    db: str | None = DB_OPTION,
    limit: int = typer.Option(50, "--limit", min=0, help="How many rows to list in full."),
    as_json: bool = typer.Option(False, "--json", help="Every refused row as JSON lines."),
) -> None:
    """A batch's refused rows: counts by rule, then each row with its raw content."""
    found = _run(db, lambda engine: find_batch(engine, batch))
    rows = _run(db, lambda engine: quarantined_rows(engine, found.id))
    if as_json:
        for row in rows:
            typer.echo(
                json.dumps(
                    {
                        "record_type": row.record_type,
                        "row_number": row.row_number,
                        "field": row.field,
                        "rule": row.rule,
                        "message": row.message,
                        "raw": row.raw,
                    }
                )
            )
        return
    console = Console()
    console.print(
        f"Batch {found.id} ({found.source_system}, {found.status}): "
        f"{found.rows_quarantined:,} of {found.rows_read:,} rows quarantined"
        + (f" - error: {found.error}" if found.error else ""),
        highlight=False,
    )
    by_rule = Table(title="By rule")
    for name in ("record type", "rule", "field", "rows"):
        by_rule.add_column(name, justify="right" if name == "rows" else "left")
    for (record_type, rule, field), count in sorted(rule_counts(rows).items()):
        by_rule.add_row(record_type, rule, field or "", f"{count:,}")
    console.print(by_rule)
    detail = Table(title=f"Rows (first {min(limit, len(rows))} of {len(rows):,})")
    for name in ("record type", "row", "field", "rule", "message", "raw"):
        detail.add_column(name, overflow="fold")
    for row in rows[:limit]:
        raw = json.dumps(row.raw, ensure_ascii=False)
        detail.add_row(
            row.record_type, str(row.row_number), row.field or "", row.rule, row.message, raw[:300]
        )
    console.print(detail)


@app.command("retry")
def retry_command(
    batch: str = typer.Argument(..., help="The batch id (or a unique prefix)."),
    db: str | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the new summary as JSON."),
) -> None:
    """Import a batch's folder again (after fixing the file or the mapping)."""
    from l2o.entrypoints.cli.importing import print_summary

    summary, before = _run(db, lambda engine: retry_batch(engine, batch))
    if as_json:
        typer.echo(json.dumps({**summary.to_json(), "previously_quarantined": before}))
        return
    console = Console()
    print_summary(summary, console)
    console.print(
        f"The earlier batch quarantined {before:,} rows; this one {summary.total.quarantined:,}."
    )


def _run(db: str | None, step: Callable[[Engine], T]) -> T:
    """Run ``step`` on the store; an L2O error is one line on stderr and exit status 1."""
    try:
        engine = engine_for(load_settings(db).database_url)
        try:
            return step(engine)
        finally:
            engine.dispose()
    except (L2OError, MappingError, ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
