"""``l2o run`` - the main job on the embedded default.

Today: lint every architecture spec in ``examples/`` and create or migrate the store. As the
product grows it becomes: simulate or import a company, assess it, write the report, serve
the dashboard.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from l2o.errors import L2OError
from l2o.settings import load_settings
from l2o.spec import check_spec
from l2o.store import describe_url, upgrade

console = Console()


def run(
    examples: Path = typer.Option(
        Path("examples"), help="Folder of architecture specs (*.yaml) to lint."
    ),
    db: str | None = typer.Option(
        None, "--db", help="Store URL (default: $L2O_DATABASE_URL or ./l2o-data/l2o.db)."
    ),
) -> None:
    """Run the main job: lint the example specs and create or migrate the database."""
    specs = sorted(examples.glob("*.yaml")) + sorted(examples.glob("*.yml"))
    if not specs:
        console.print(f"[red]error:[/] no architecture specs (*.yaml) in {examples}")
        raise typer.Exit(1)

    failed = 0
    for path in specs:
        report = check_spec(path)
        verdict = "[green]valid[/]" if report.ok else "[red]invalid[/]"
        console.print(
            f"spec {path}: {verdict}, {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s)"
        )
        for problem in report.errors:
            console.print(f"  [red]error[/] {escape(str(problem))}")
        failed += not report.ok

    try:
        url = load_settings(db).database_url
        before, after = upgrade(url)
    except L2OError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    state = (
        f"at {after}, nothing to migrate"
        if before == after
        else (f"migrated {before or 'empty'} -> {after}")
    )
    console.print(f"store {describe_url(url)}: {state}")

    if failed:
        console.print(f"[red]{failed} of {len(specs)} spec(s) invalid[/]")
        raise typer.Exit(1)
