"""Benchmark: Markov attribution on 1,000,000 journeys, against channelattribution.

Run by hand (never in the test suite)::

    .venv/bin/python bench/attribution_1m.py [--journeys N] [--runs 5] [--reference-runs 1]

The journeys are raw rows (one journey each: a path string, 0/1 conversion, its value, 0/1
null), resampled with a fixed seed from ``mta_example_paths`` (each path drawn in proportion
to the journeys it stands for, converting at its own conversion rate). Timed, as medians over
the runs: L2O's exact Markov model from the in-memory rows (encoding the paths included) and,
in the same process on the same rows, ``channelattribution.markov_model`` at its default
settings when it is installed. Prints journeys per second, the ratio, and the largest
per-channel difference between the two.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from l2o.analytics.attribution import Markov, journeys_from_paths, read_paths_csv

MTA_PATHS = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "datasets"
    / "mta_example_paths"
    / "data.csv.gz"
)


def raw_journeys(n: int, seed: int = 0) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """``n`` one-journey rows resampled from the example paths."""
    source = read_paths_csv(MTA_PATHS)
    weight = source.conversions + source.nulls
    rng = np.random.default_rng(seed)
    pick = rng.choice(source.n_paths, size=n, p=weight / weight.sum())
    converts = rng.random(n) < (source.conversions / weight)[pick]
    per_conversion = np.divide(
        source.value, source.conversions, out=np.zeros(source.n_paths), where=source.conversions > 0
    )
    names = np.array(source.channels, dtype=object)
    strings = np.array(
        [
            " > ".join(names[source.touches[source.offsets[i] : source.offsets[i + 1]]])
            for i in range(source.n_paths)
        ],
        dtype=object,
    )
    paths = pa.array(strings[pick], type=pa.string())
    return (
        paths,
        converts.astype(np.float64),
        np.where(converts, per_conversion[pick], 0.0),
        (~converts).astype(np.float64),
    )


def main() -> None:
    """Run the benchmark and print the figures as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference-runs", type=int, default=1)
    args = parser.parse_args()

    paths, conversions, value, nulls = raw_journeys(args.journeys)
    ours: list[float] = []
    credits = None
    for _ in range(args.runs):
        start = time.perf_counter()
        journeys = journeys_from_paths(paths, conversions, value, nulls)
        credits = Markov().fit(journeys).credits_
        ours.append(time.perf_counter() - start)
    assert credits is not None
    ours_s = statistics.median(ours)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"journeys: {args.journeys:,} raw rows, {journeys.n_paths:,} distinct paths")
    print(
        f"L2O Markov (exact): median {ours_s:.3f} s of {args.runs} -> "
        f"{args.journeys / ours_s / 1e6:.2f}M journeys/s"
    )

    try:
        import pandas as pd
        from ChannelAttribution import markov_model
    except ImportError:
        print("channelattribution not installed: no reference run")
        return
    frame = pd.DataFrame(
        {
            "path": paths.to_pandas(),
            "total_conversions": conversions,
            "total_conversion_value": value,
            "total_null": nulls,
        }
    )
    theirs: list[float] = []
    for _ in range(args.reference_runs):
        start = time.perf_counter()
        result = markov_model(
            frame,
            "path",
            "total_conversions",
            var_value="total_conversion_value",
            var_null="total_null",
            verbose=False,
            flg_pro=False,
        )
        theirs.append(time.perf_counter() - start)
    ref_s = statistics.median(theirs)
    print(
        f"channelattribution markov_model (defaults): median {ref_s:.3f} s of "
        f"{args.reference_runs} -> {args.journeys / ref_s / 1e6:.2f}M journeys/s"
    )
    print(f"ratio (L2O / channelattribution, journeys/s): {ref_s / ours_s:.1f}x")
    ref = dict(zip(result["channel_name"], result["total_conversions"], strict=True))
    mine = dict(zip(credits.channels, credits.conversions, strict=True))
    total = sum(ref.values())
    big = {c: abs(mine[c] - r) / r for c, r in ref.items() if r >= 0.01 * total}
    print(
        f"largest difference, channels with >= 1% of credit: {max(big.values()):.1%} "
        f"({max(big, key=big.__getitem__)})"
    )


if __name__ == "__main__":
    main()
