"""Outcomes over a store of 1,000,000 leads: metrics, the forecast backtest and attribution.

Target: metrics and the backtest each <= 60 s on SQLite. Everything is read from the store
(nothing is written to it). Reports medians of ``--runs`` runs of:

- metrics: ``compute_metrics`` overall, on the store's own backend;
- the forecast: reading the deal history from the store, then the backtest of every method
  (Monte Carlo with ``--simulations`` runs) at weeks 2 and 6 of every past quarter;
- attribution: reading the journeys (outcome: pipeline) from the store, then the Markov and
  linear models over them.

In the same run the reference: reading every column metrics use through SQLAlchemy into
Arrow (what touching the data once costs)::

    python bench/outcomes_1m.py --db sqlite:///big.db [--runs 3] [--simulations 2000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from l2o.analytics.attribution import Linear, Markov
from l2o.analytics.forecast import (
    CategoryRollup,
    MonteCarlo,
    StageConversion,
    WeightedPipeline,
    backtest,
)
from l2o.analytics.metrics import TABLES, compute_metrics
from l2o.services.attribution_reading import read_store_journeys
from l2o.services.forecast_reading import read_store_history
from l2o.services.metrics_reading import _arrow as read_columns
from l2o.services.metrics_reading import open_metrics_tables
from l2o.store import engine_for


def _median(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--simulations", type=int, default=2000)
    args = parser.parse_args()
    engine = engine_for(args.db)
    with engine.connect() as conn:
        counts = {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("leads", "touchpoints", "opportunities", "stage_changes")
        }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    runs = args.runs
    reference, _ = _median(
        lambda: [read_columns(engine, name, cols) for name, cols in TABLES.items()], runs
    )
    print(f"reference (read the columns metrics use into Arrow): {reference:.2f} s")

    with open_metrics_tables(args.db) as tables:
        took, report = _median(lambda: compute_metrics(tables), runs)
    print(
        f"metrics overall ({len(report.values)} values): {took:.2f} s "
        f"= {took / reference:.2f} x reference"
    )

    read, history = _median(lambda: read_store_history(engine), runs)
    methods: list[Callable[[], Any]] = [
        WeightedPipeline,
        StageConversion,
        CategoryRollup,
        lambda: MonteCarlo(n_simulations=args.simulations, seed=0),
    ]
    took, rows = _median(lambda: backtest(history, methods, kind="quarter"), runs)
    print(
        f"forecast: read {history.size:,} deals in {read:.2f} s; backtest "
        f"({len(rows)} forecasts) {took:.2f} s; together {read + took:.2f} s"
    )

    read, journeys = _median(lambda: read_store_journeys(engine), runs)
    markov, _ = _median(lambda: Markov().fit(journeys), runs)
    linear, _ = _median(lambda: Linear().fit(journeys), runs)
    print(
        f"attribution: read {journeys.n_journeys:,.0f} journeys ({journeys.n_paths:,} paths) "
        f"in {read:.2f} s; markov {markov:.2f} s; linear {linear:.2f} s"
    )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
