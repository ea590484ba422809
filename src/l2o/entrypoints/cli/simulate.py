"""``l2o simulate`` - generate a company's Lead-to-Order history with known maturity."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from l2o.entrypoints.cli.importing import print_summary, run_import
from l2o.errors import L2OError
from l2o.simulate import (
    PROFILES,
    STEPS,
    TABLE_ORDER,
    Maturity,
    MaturityError,
    SimulatedCompany,
    parse_maturity_overrides,
    resolve_maturity,
    write_csv,
    write_truth,
)
from l2o.simulate import simulate as simulate_company

DEFAULT_CSV_DIR = Path("l2o-data/simulated")


def _progress_step(progress: Progress, task: TaskID) -> Callable[[str], None]:
    """A ``progress`` callback that advances ``task`` one step and shows the step's name."""

    def step(name: str) -> None:
        progress.update(task, advance=1, description=name)

    return step


def simulate(
    profile: str = typer.Option(
        "defined", "--profile", help=f"Company archetype: {', '.join(PROFILES)}."
    ),
    maturity: str | None = typer.Option(
        None,
        "--maturity",
        help="Override levels, e.g. icp=1,pipeline=3 (keys: icp, pipeline, signals, "
        "commercial, pricing, lifecycle, technology; levels 0-4).",
    ),
    leads: int = typer.Option(10_000, "--leads", min=100, help="Number of leads to generate."),
    months: int = typer.Option(24, "--months", min=3, max=120, help="Months of history."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed: same seed, same company."),
    db: str | None = typer.Option(
        None,
        "--db",
        help="Import the company into the store at this database URL (through the neutral "
        "CSV importer).",
        show_default=False,
    ),
    csv_dir: Path | None = typer.Option(
        None, "--csv-dir", help="Write the neutral CSV set into this folder.", show_default=False
    ),
    truth: Path | None = typer.Option(
        None,
        "--truth",
        help="Where to write truth.json (default: CSV_DIR/truth.json, else ./truth.json); "
        "architecture.yaml and duplicates.csv go beside it.",
        show_default=False,
    ),
) -> None:
    """Simulate a B2B company's Lead-to-Order history with known maturity."""
    console = Console(stderr=True)
    try:
        overrides = parse_maturity_overrides(maturity)
        level = resolve_maturity(profile, overrides)
    except MaturityError as exc:
        raise typer.BadParameter(str(exc)) from None
    if db is None and csv_dir is None:
        csv_dir = DEFAULT_CSV_DIR
        console.print(f"No --db or --csv-dir given: writing CSV files to {csv_dir}/")
    truth_path = truth or (csv_dir / "truth.json" if csv_dir else Path("truth.json"))
    with tempfile.TemporaryDirectory(prefix="l2o-simulated-") as scratch:
        # The store is written the one way data gets in: the neutral importer, from CSV.
        write_dir = csv_dir if csv_dir is not None else Path(scratch)
        company = _simulate_to_csv(profile, level, leads, months, seed, write_dir, console)
        paths = write_truth(company, truth_path)
        summary = None
        if db is not None:
            try:
                summary = run_import(write_dir, "neutral", None, db)
            except L2OError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(1) from None

    table = Table(title=f"Simulated company: {profile} (seed {seed})")
    table.add_column("record type")
    table.add_column("rows", justify="right")
    for name, rows in company.counts().items():
        table.add_row(name, f"{rows:,}")
    table.add_row("duplicates (truth)", f"{len(company.duplicates):,}")
    out = Console()
    out.print(table)
    dims = ", ".join(f"{k}={v}" for k, v in level.dimensions().items())
    out.print(f"Maturity: {dims}; technology={level.technology}; index {level.index:.2f}")
    if csv_dir is not None:
        out.print(f"Wrote CSV files: {csv_dir}/")
    out.print(
        f"Wrote truth: {paths['truth']} (with {paths['architecture'].name}, "
        f"{paths['duplicates'].name})"
    )
    if summary is not None:
        print_summary(summary, out)


def _simulate_to_csv(
    profile: str,
    level: Maturity,
    leads: int,
    months: int,
    seed: int,
    csv_dir: Path,
    console: Console,
) -> SimulatedCompany:
    """Generate the company and write its neutral CSV set into ``csv_dir``."""
    with Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("simulating", total=len(STEPS))
        company = simulate_company(
            profile,
            level,
            leads=leads,
            months=months,
            seed=seed,
            progress=_progress_step(progress, task),
        )
        progress.update(task, completed=len(STEPS))
        writing = progress.add_task("writing CSV", total=len(TABLE_ORDER))
        write_csv(company, csv_dir, progress=_progress_step(progress, writing))
    return company
