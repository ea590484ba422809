"""Benchmark: simulate a company of 1,000,000 leads and write its neutral CSV set.

Run by hand (never in the test suite)::

    .venv/bin/python bench/simulate_1m.py [--leads N] [--runs 3] [--out DIR]

Reports, as medians over the runs: generation time, CSV writing time, their total, the peak
resident memory of the process, and the total as a ratio against a reference run in the same
process - drawing one float64 with NumPy for every CSV field written - so the figure can be
compared across machines and noisy neighbours.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from l2o.simulate import simulate, write_csv, write_truth


def _reference(fields: int) -> float:
    """Seconds NumPy takes to draw ``fields`` uniform doubles (in 10M chunks)."""
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    left = fields
    while left > 0:
        rng.random(min(left, 10_000_000))
        left -= 10_000_000
    return time.perf_counter() - start


def _peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the benchmark and print a Markdown table row per run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", default="defined")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    gen, write, total, ratio = [], [], [], []
    rows = fields = 0
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = args.out or Path(tmp)
            t0 = time.perf_counter()
            company = simulate(args.profile, leads=args.leads, months=24, seed=run)
            t1 = time.perf_counter()
            write_csv(company, out)
            write_truth(company, out / "truth.json")
            t2 = time.perf_counter()
            rows = sum(company.counts().values())
            fields = sum(len(t) * len(t.columns) for t in company.tables.values())
            del company
        reference = _reference(fields)
        gen.append(t1 - t0)
        write.append(t2 - t1)
        total.append(t2 - t0)
        ratio.append((t2 - t0) / reference)
        print(
            f"run {run + 1}: generate {t1 - t0:.1f} s, write {t2 - t1:.1f} s, "
            f"total {t2 - t0:.1f} s, reference {reference:.2f} s, ratio {ratio[-1]:.0f}x, "
            f"peak RSS {_peak_rss_mib():,.0f} MiB"
        )
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, NumPy {np.__version__}"
    )
    print(f"rows written: {rows:,} ({fields:,} fields) from {args.leads:,} leads")
    print(
        "| leads | generate (s) | write CSV (s) | total (s) | total / reference | peak RSS (MiB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.leads:,} | {statistics.median(gen):.1f} | {statistics.median(write):.1f} | "
        f"{statistics.median(total):.1f} | {statistics.median(ratio):.0f}x | "
        f"{_peak_rss_mib():,.0f} |"
    )


if __name__ == "__main__":
    main()
