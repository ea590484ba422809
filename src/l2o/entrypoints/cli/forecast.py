"""``l2o forecast`` - expected bookings for a period from the open pipeline, and backtests.

::

    l2o forecast --period 2025Q3 --backtest --db sqlite:///l2o.db   # the store (the default)
    l2o forecast --csv-dir data/ --period 2024Q3 --as-of 2024-07-15
    l2o forecast --csv-dir data/ --period 2024Q3 --backtest --json
    l2o forecast --maven sales_pipeline.csv --period 2017-09 --backtest

Input is the store (``--db``, default: the configured database: its opportunities, stage
changes and close-date edits), or the neutral CSV set (``--csv-dir``), or Maven's file.
Each method's number comes with how it was computed and from how many deals; a method the
data cannot support says "insufficient evidence" instead of a number.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from l2o.analytics.forecast import parse_period, read_maven_csv, read_neutral_csv
from l2o.entrypoints.cli.common import DB_OPTION, fail
from l2o.errors import L2OError
from l2o.services.forecast_reading import read_store_history
from l2o.services.forecasting import backtest_methods, forecast_period
from l2o.settings import load_settings


def forecast(
    period: str = typer.Option(..., "--period", help="2025Q3, 2025-07 or 2025."),
    csv_dir: Path | None = typer.Option(
        None,
        "--csv-dir",
        help="Neutral CSV folder (opportunities.csv, stage_changes.csv).",
        show_default=False,
    ),
    maven: Path | None = typer.Option(
        None, "--maven", help="Maven sales_pipeline.csv (no stage history).", show_default=False
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Forecast as of this day (default: the data's last day).",
        show_default=False,
    ),
    run_backtest: bool = typer.Option(
        False, "--backtest", help="Backtest every method over past periods of this kind."
    ),
    weeks: str = typer.Option("2,6", "--weeks", help="Backtest at these weeks of each period."),
    by: str | None = typer.Option(
        None,
        "--by",
        help="With --backtest: score each method per owner or segment too.",
        show_default=False,
    ),
    simulations: int = typer.Option(10_000, "--simulations", min=100, help="Monte Carlo runs."),
    seed: int = typer.Option(0, "--seed", help="Monte Carlo seed."),
    db: str | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
) -> None:
    """Forecast a period's bookings with every method; optionally backtest them."""
    if sum(x is not None for x in (csv_dir, maven, db)) > 1:
        fail("give one of --db URL, --csv-dir DIR or --maven FILE")
    if by is not None and not run_backtest:
        fail("--by splits the backtest: give --backtest with it")
    try:
        target = parse_period(period)
        if csv_dir is not None:
            history = read_neutral_csv(csv_dir)
        elif maven is not None:
            history = read_maven_csv(maven)
        else:
            history = read_store_history(load_settings(db).database_url)
        result = forecast_period(
            history, target, as_of=as_of or None, simulations=simulations, seed=seed
        )
        if run_backtest:
            week_list = [int(w) for w in weeks.split(",") if w.strip()]
            scores = backtest_methods(
                history, target.kind, week_list, simulations=simulations, seed=seed, by=by
            )
            result = replace(result, backtest=scores)
    except (L2OError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.as_json()))
    else:
        _print(result.as_json())


def _pct(value: object) -> str:
    return "-" if not isinstance(value, float) else f"{value:.1%}"


def _money(value: object) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _print(result: dict[str, object]) -> None:
    console = Console()
    table = Table(title=f"Forecast {result['period']} as of {result['as_of']} ({result['source']})")
    for name in ("method", "expected", "P10", "P50", "P90", "how"):
        table.add_column(name, justify="left" if name in ("method", "how") else "right")
    methods = result["methods"]
    assert isinstance(methods, dict)
    for name, row in methods.items():
        table.add_row(
            name,
            _money(row.get("expected")),
            _money(row.get("p10")),
            _money(row.get("p50")),
            _money(row.get("p90")),
            escape(str(row["how"])),
        )
    console.print(table)
    scores = result.get("backtest")
    if isinstance(scores, list):
        grouped = any(s.get("group") for s in scores)
        bt = Table(title="Backtest (MAPE and bias over past periods with bookings)")
        columns = ("method", "week", "periods", "MAPE", "bias", "P10-P90 coverage", "note")
        for name in ("group", *columns) if grouped else columns:
            bt.add_column(name)
        for s in scores:
            note = (
                f"insufficient evidence in {s['insufficient']} periods" if s["insufficient"] else ""
            )
            bt.add_row(
                *((escape(str(s["group"]) or "(all)"),) if grouped else ()),
                s["method"],
                str(s["week"]),
                str(s["periods"]),
                _pct(s["mape"]),
                _pct(s["bias"]),
                _pct(s["coverage"]),
                note,
            )
        console.print(bt)
