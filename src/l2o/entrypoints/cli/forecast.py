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
from collections.abc import Callable
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from l2o.analytics.forecast import (
    METHODS,
    DealHistory,
    ForecastMethod,
    InsufficientEvidence,
    MonteCarlo,
    Period,
    backtest,
    day_number,
    parse_period,
    read_maven_csv,
    read_neutral_csv,
    score,
)
from l2o.entrypoints.cli.common import DB_OPTION, fail
from l2o.errors import L2OError
from l2o.services.forecast_reading import read_store_history
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
    simulations: int = typer.Option(10_000, "--simulations", min=100, help="Monte Carlo runs."),
    seed: int = typer.Option(0, "--seed", help="Monte Carlo seed."),
    db: str | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
) -> None:
    """Forecast a period's bookings with every method; optionally backtest them."""
    if sum(x is not None for x in (csv_dir, maven, db)) > 1:
        fail("give one of --db URL, --csv-dir DIR or --maven FILE")
    try:
        target = parse_period(period)
        if csv_dir is not None:
            history = read_neutral_csv(csv_dir)
        elif maven is not None:
            history = read_maven_csv(maven)
        else:
            history = read_store_history(load_settings(db).database_url)
        day = day_number(as_of) if as_of else min(history.last_day, target.end - 1)
        result: dict[str, object] = {
            "period": target.label,
            "as_of": str(np.datetime64(int(day), "D")),
            "source": history.source,
            "methods": _forecasts(history, target, day, simulations, seed),
        }
        if run_backtest:
            week_list = [int(w) for w in weeks.split(",") if w.strip()]
            rows = backtest(history, _makers(simulations, seed), kind=target.kind, weeks=week_list)
            result["backtest"] = [s.__dict__ for s in score(rows)]
    except (L2OError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result))
    else:
        _print(result, history)


def _makers(simulations: int, seed: int) -> list[Callable[[], ForecastMethod]]:
    makers: list[Callable[[], ForecastMethod]] = [
        m for n, m in METHODS.items() if n != MonteCarlo.name
    ]
    makers.append(lambda: MonteCarlo(n_simulations=simulations, seed=seed))
    return makers


def _forecasts(
    history: DealHistory, period: Period, day: float, simulations: int, seed: int
) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for make in _makers(simulations, seed):
        method = make()
        try:
            f = method.fit(history, day).predict(period)
        except InsufficientEvidence as exc:
            out[method.name] = {"expected": None, "how": f"insufficient evidence: {exc}"}
            continue
        out[method.name] = {
            "expected": f.expected,
            "booked": f.booked,
            "from_open": f.from_open,
            "from_new": f.from_new,
            "open_deals": f.n_open,
            "won_deals": f.n_booked,
            "p10": f.p10,
            "p50": f.p50,
            "p90": f.p90,
            "how": f.how,
            **f.extra,
        }
    return out


def _pct(value: object) -> str:
    return "-" if not isinstance(value, float) else f"{value:.1%}"


def _money(value: object) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _print(result: dict[str, object], history: DealHistory) -> None:
    console = Console()
    table = Table(title=f"Forecast {result['period']} as of {result['as_of']} ({history.source})")
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
        bt = Table(title="Backtest (MAPE and bias over past periods with bookings)")
        for name in ("method", "week", "periods", "MAPE", "bias", "P10-P90 coverage", "note"):
            bt.add_column(name)
        for s in scores:
            note = (
                f"insufficient evidence in {s['insufficient']} periods" if s["insufficient"] else ""
            )
            bt.add_row(
                s["method"],
                str(s["week"]),
                str(s["periods"]),
                _pct(s["mape"]),
                _pct(s["bias"]),
                _pct(s["coverage"]),
                note,
            )
        console.print(bt)
