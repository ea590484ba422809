"""Monte Carlo forecast kernel: 100,000 open deals x 10,000 simulations (target <= 5 s).

Reports the median of 5 runs, and in the same run the time NumPy takes just to draw the
same number of float32 uniforms (the floor any draw-per-deal method pays). As the forecast
runs it, the simulations are shared out over 200 scenarios, each with its own win
probabilities (a scenario x deal matrix); ``--scenarios 1`` times independent deals::

    python bench/forecast_mc.py [--deals 100000] [--simulations 10000] [--runs 5]
                                [--scenarios 200]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from l2o.analytics.forecast import simulate_bookings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--simulations", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenarios", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    base = rng.uniform(0.0, 0.8, args.deals).astype(np.float32)
    shift = rng.uniform(0.8, 1.2, (args.scenarios, 1)).astype(np.float32)
    p = np.minimum(base * shift, 1.0) if args.scenarios > 1 else base
    amount = rng.lognormal(10.0, 1.0, args.deals)
    kernel, reference = [], []
    buffer = np.empty(1 << 18, dtype=np.float32)
    draws = args.deals * args.simulations
    for run in range(args.runs):
        start = time.perf_counter()
        totals = simulate_bookings(p, amount, args.simulations, seed=run)
        kernel.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(draws // buffer.size):
            rng.random(dtype=np.float32, out=buffer)
        reference.append(time.perf_counter() - start)
    expected = float((p.reshape(-1, args.deals).mean(axis=0) * amount).sum())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, ", end="")
    print(f"Python {platform.python_version()}, NumPy {np.__version__}")
    print(
        f"{args.deals:,} deals x {args.simulations:,} simulations in {args.scenarios} "
        f"scenarios, median of {args.runs}:"
    )
    runs = ", ".join(f"{t:.2f}" for t in kernel)
    print(f"  simulate_bookings         {np.median(kernel):6.2f} s  (runs: {runs})")
    print(f"  reference: float32 draws  {np.median(reference):6.2f} s  (same count, one thread)")
    print(f"  mean / sum(p x amount) = {totals.mean() / expected:.5f}")


if __name__ == "__main__":
    main()
