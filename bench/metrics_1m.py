"""Metrics (and the forecast backtest) for a simulated company of 1,000,000 leads on SQLite.

Target: every metric, overall, in <= 60 s on SQLite. Reports medians of ``--runs`` runs of
``compute_metrics`` overall and by segment, and in the same run the reference: reading
every column metrics use through SQLAlchemy into Arrow (what touching the data once costs).
With ``--csv-dir`` (the neutral CSV set the store was imported from) the forecast backtest
is timed too::

    l2o db upgrade --db sqlite:///big.db
    l2o simulate --profile defined --leads 1000000 --db sqlite:///big.db --csv-dir big/
    python bench/metrics_1m.py --db sqlite:///big.db [--csv-dir big/] [--runs 3]
                               [--backend sqlite|duckdb|postgres]
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

from l2o.analytics.metrics import TABLES, compute_metrics
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
    parser.add_argument("--csv-dir", default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", default=None)
    args = parser.parse_args()
    engine = engine_for(args.db)
    with engine.connect() as conn:
        counts = {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("leads", "opportunities", "stage_changes", "contracts")
        }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    reference, _ = _median(
        lambda: [read_columns(engine, name, cols) for name, cols in TABLES.items()], args.runs
    )
    print(f"reference (read the columns metrics use into Arrow): {reference:.2f} s")
    with open_metrics_tables(args.db, args.backend) as tables:
        overall, report = _median(lambda: compute_metrics(tables), args.runs)
        print(
            f"metrics overall ({tables.backend}, {len(report.values)} values, as of "
            f"{report.as_of}): {overall:.2f} s = {overall / reference:.2f} x reference"
        )
        segment, report = _median(lambda: compute_metrics(tables, by="segment"), args.runs)
        print(f"metrics by segment ({len(report.values)} values): {segment:.2f} s")
    if args.csv_dir:
        from l2o.analytics.forecast import (
            CategoryRollup,
            MonteCarlo,
            StageConversion,
            WeightedPipeline,
            backtest,
            read_neutral_csv,
        )

        start = time.perf_counter()
        history = read_neutral_csv(args.csv_dir)
        read = time.perf_counter() - start
        methods = [
            WeightedPipeline,
            StageConversion,
            CategoryRollup,
            lambda: MonteCarlo(n_simulations=2000),
        ]
        took, rows = _median(lambda: backtest(history, methods), 1)
        print(f"forecast backtest: read {read:.2f} s, {len(rows)} forecasts in {took:.2f} s")


if __name__ == "__main__":
    main()
