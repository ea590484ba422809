"""``l2o import DIR --source neutral|salesforce|hubspot [--mapping YAML] [--spec FILE]``.

Prints a progress bar while it reads (on stderr), then a summary table per record type
(rows read, inserted, updated, unchanged, merged, quarantined), what the architecture's
rules did (leads scored, stage moves checked and refused - or one line saying they were
not applied, without a spec) and the batch id; with ``--json`` the summary is one JSON
object on stdout instead (``"rules": null`` without a spec). Exit status 1 on an error
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
from l2o.services.bootstrap import RevenueSystem
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
    spec: Path | None = typer.Option(
        None,
        "--spec",
        envvar="L2O_SPEC",
        dir_okay=False,
        help="Architecture spec whose rules apply (stage gates, lead scoring). "
        "Default: $L2O_SPEC; without one the rows are written as the files give them.",
        show_default=False,
    ),
) -> None:
    """Import CRM exports: validate, standardize, dedupe, upsert; refused rows to quarantine."""
    if source not in SOURCES:
        raise typer.BadParameter(f"use one of {', '.join(SOURCES)}", param_hint="--source")
    try:
        summary = run_import(directory, source, mapping, db, dedupe=dedupe, spec=spec)
    except (L2OError, MappingError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(summary.to_json()))
    else:
        print_summary(summary, Console())


def run_import(
    directory: Path,
    source: str,
    mapping: Path | None,
    db: str | None,
    *,
    dedupe: bool = True,
    spec: Path | None = None,
) -> ImportSummary:
    """Import ``directory`` into the store at ``db`` with a progress bar on stderr; with
    ``spec`` the architecture's rules apply to the batch."""
    url = load_settings(db).database_url
    adapter = adapter_for(source, mapping)
    origin = {"path": str(directory.resolve()), "source": source}
    if mapping is not None:
        origin["mapping"] = str(mapping.resolve())
    system = None
    if spec is not None:
        system = RevenueSystem.build(spec, url, source=f"import:{adapter.name}")
        origin["spec"] = str(spec.resolve())
    engine = system.engine if system is not None else engine_for(url)
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
                system=system,
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
    rules = summary.rules
    if rules is None:
        console.print(
            "The architecture's rules were not applied (no --spec): leads keep the file's "
            "scores and status, stage moves were not gated."
        )
    else:
        console.print(
            f"Architecture rules: {rules.leads_scored:,} leads scored and staged, "
            f"{rules.moves_checked:,} stage moves checked, {rules.moves_refused:,} refused"
        )
    console.print(f"Batch {summary.batch_id}")
    if total.quarantined:
        console.print(f"See why rows were refused: l2o quarantine show {summary.batch_id}")
