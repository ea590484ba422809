"""``l2o import DIR --source neutral|salesforce|hubspot [--mapping YAML]`` - import exports.

Prints a progress bar while it reads (on stderr), then a summary table per record type
(rows read, inserted, updated, unchanged, merged, quarantined) and the batch id; with
``--json`` the summary is one JSON object on stdout instead. Exit status 1 on an error
(nothing is written then), 0 otherwise - quarantined rows are results, not errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from l2o.errors import L2OError
from l2o.ingest import SOURCES, MappingError, adapter_for
from l2o.services.import_summary import ImportSummary
from l2o.services.importing import import_directory
from l2o.settings import load_settings
from l2o.store import describe_url, engine_for

__all__ = ["import_", "print_summary", "run_import"]


def import_(
    directory: Path = typer.Argument(
        ..., exists=True, file_okay=False, help="Folder holding the exported CSV files."
    ),
    source: str = typer.Option("neutral", "--source", help=f"Export format: {', '.join(SOURCES)}."),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        exists=True,
        dir_okay=False,
        help="A mapping YAML for any other CSV (column -> field, value maps, date formats).",
        show_default=False,
    ),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Database URL. Default: $L2O_DATABASE_URL, else sqlite:///./l2o-data/l2o.db.",
        show_default=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    dedupe: bool = typer.Option(
        True, "--dedupe/--no-dedupe", help="Merge new accounts, contacts and leads into duplicates."
    ),
) -> None:
    """Import CRM exports: validate, standardize, dedupe, upsert; refused rows to quarantine."""
    if source not in SOURCES:
        raise typer.BadParameter(f"use one of {', '.join(SOURCES)}", param_hint="--source")
    try:
        summary = run_import(directory, source, mapping, db, dedupe=dedupe)
    except (L2OError, MappingError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(summary.to_json()))
    else:
        print_summary(summary, Console())


def run_import(
    directory: Path, source: str, mapping: Path | None, db: str | None, *, dedupe: bool = True
) -> ImportSummary:
    """Import ``directory`` into the store at ``db`` with a progress bar on stderr."""
    url = load_settings(db).database_url
    engine = engine_for(url)
    adapter = adapter_for(source, mapping)
    origin = {"path": str(directory.resolve()), "source": source}
    if mapping is not None:
        origin["mapping"] = str(mapping.resolve())
    console = Console(stderr=True)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<28}"),
            TextColumn("{task.completed:>12,} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            tasks: dict[str, int] = {}

            def advance(record_type: str, rows: int) -> None:
                if record_type not in tasks:
                    tasks[record_type] = int(progress.add_task(record_type, total=None))
                progress.update(tasks[record_type], advance=rows)  # type: ignore[arg-type]

            # Imported here: Splink and DuckDB take a second or more to load.
            from l2o.services.import_dedupe import dedupe_imported

            summary = import_directory(
                engine,
                directory,
                adapter,
                progress=advance,
                source_name=origin,
                dedupe=dedupe_imported if dedupe else None,
            )
    finally:
        engine.dispose()
    for warning in summary.warnings:
        console.print(f"[yellow]note:[/] {warning}", highlight=False)
    console.print(f"Imported into {describe_url(url)}", highlight=False)
    return summary


def print_summary(summary: ImportSummary, console: Console) -> None:
    """The summary table: one line per record type, a total, and the batch id."""
    table = Table(title=f"Import from {summary.source_system}")
    table.add_column("record type")
    names = ("read", "inserted", "updated", "unchanged", "merged", "quarantined")
    for name in names:
        table.add_column(name, justify="right")
    for record_type, counts in summary.by_type.items():
        table.add_row(record_type, *(f"{getattr(counts, n):,}" for n in names))
    total = summary.total
    table.add_section()
    table.add_row("total", *(f"{getattr(total, n):,}" for n in names), style="bold")
    console.print(table)
    console.print(f"Batch {summary.batch_id}")
    if total.quarantined:
        console.print(f"See why rows were refused: l2o quarantine show {summary.batch_id}")
