"""``l2o merge list|undo`` and ``l2o dedupe`` - find, review and undo merges of duplicates.

::

    l2o dedupe --type leads --dry-run          # what would be merged, nothing written
    l2o dedupe --type accounts --threshold 0.95
    l2o merge list --type leads
    l2o merge undo MERGE_ID

The database is ``--db URL``, else ``L2O_DATABASE_URL``, else ``./l2o-data/l2o.db``.
Failures (a refused blocking rule, a merge already undone) print one line and exit 1.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from l2o.entrypoints.cli.common import DB_OPTION, fail, guarded
from l2o.services.merging import MERGEABLE_TYPES, deduplicate, list_merges, undo_merge
from l2o.settings import load_settings
from l2o.store import SqlAlchemyUnitOfWork, describe_url, engine_for

app = typer.Typer(help="Review and undo merges of duplicate records.", no_args_is_help=True)
console = Console()

_TYPES = ", ".join(MERGEABLE_TYPES)


def dedupe(
    record_type: list[str] = typer.Option(
        None, "--type", help=f"Record type(s) to dedupe: {_TYPES} (default: all three)."
    ),
    db: str | None = DB_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would merge; write nothing."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Least match probability to merge (0-1; default 0.9).", min=0.0
    ),
) -> None:
    """Find duplicate accounts, contacts or leads in the store and merge them."""
    types = record_type or list(MERGEABLE_TYPES)
    unknown = [t for t in types if t not in MERGEABLE_TYPES]
    if unknown:
        fail(f"unknown record type {', '.join(unknown)}; use {_TYPES}")
    engine = guarded(lambda: engine_for(load_settings(db).database_url))
    console.print(f"store {describe_url(engine.url)}")
    for name in types:
        with SqlAlchemyUnitOfWork(engine, source="dedupe") as uow:
            report = guarded(
                lambda uow=uow, name=name: deduplicate(  # type: ignore[misc]
                    uow, name, threshold=threshold, dry_run=dry_run
                )
            )
        result = report.result
        verb = "would merge" if dry_run else "merged"
        merged = result.duplicate_records if dry_run else len(report.merges)
        console.print(
            f"{name}: {result.records:,} record(s), {len(result.matches):,} matching pair(s) "
            f"in {len(result.clusters()):,} cluster(s); {verb} {merged:,}"
        )
        for estimate in result.blocking:
            console.print(f"  rule {escape(str(estimate))}")
        for note in result.notes:
            console.print(f"  [yellow]note[/] {escape(note)}")
        if dry_run:
            for match in result.matches[:20]:
                console.print(
                    f"  {match.left_id} ~ {match.right_id}  "
                    f"p={match.match_probability:.3f}  {escape(match.rule)}"
                )
            if len(result.matches) > 20:
                console.print(f"  ... and {len(result.matches) - 20:,} more")
        else:
            for merge in report.merges[:20]:
                console.print(f"  merge {merge.id}: {merge.merged_id} -> {merge.master_id}")


@app.command("list")
def list_command(
    record_type: str | None = typer.Option(None, "--type", help=f"Only {_TYPES}."),
    db: str | None = DB_OPTION,
    limit: int = typer.Option(100, "--limit", help="Show at most this many merges.", min=1),
) -> None:
    """List merges, oldest first: id, loser -> kept, rule, probability, when, undone."""
    engine = guarded(lambda: engine_for(load_settings(db).database_url))
    with SqlAlchemyUnitOfWork(engine) as uow:
        merges = guarded(lambda: list_merges(uow, record_type, limit=limit))
    if not merges:
        console.print("no merges")
        return
    for merge in merges:
        probability = "" if merge.match_probability is None else f" p={merge.match_probability:.3f}"
        undone = f"  undone {merge.undone_at:%Y-%m-%d %H:%M}" if merge.undone_at else ""
        typer.echo(
            f"{merge.id}  {merge.record_type} {merge.merged_id} -> {merge.master_id}  "
            f"{merge.rule}{probability}  {merge.merged_at:%Y-%m-%d %H:%M}{undone}"
        )


@app.command("undo")
def undo_command(
    merge_id: str = typer.Argument(..., help="The id of the merge to undo (see `l2o merge list`)."),
    db: str | None = DB_OPTION,
) -> None:
    """Undo a merge: the merged record stands alone again and its children move back."""
    engine = guarded(lambda: engine_for(load_settings(db).database_url))
    with SqlAlchemyUnitOfWork(engine, source="cli") as uow:
        merge = guarded(lambda: undo_merge(uow, merge_id))
    moved = sum(len(ids) for ids in merge.reparented.values())
    console.print(
        f"undid merge {merge.id}: {merge.record_type} {merge.merged_id} is separate from "
        f"{merge.master_id} again; {moved} reference(s) moved back"
    )
