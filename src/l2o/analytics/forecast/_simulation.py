"""The Monte Carlo kernel: total amount won per simulation when deals win independently
given the scenario a simulation belongs to."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numpy as np

from l2o.analytics.forecast._deals import FloatArray

__all__ = ["simulate_bookings"]

_BLOCK = 1 << 18  # uniform draws per block: 512 KiB of 16-bit draws, so each pass stays in cache
_LEVELS = 1 << 16  # a draw is a 16-bit integer: probabilities resolve to 1 / 65,536


def simulate_bookings(
    probability: FloatArray,
    amount: FloatArray,
    n_simulations: int,
    seed: int | np.random.SeedSequence = 0,
    *,
    workers: int | None = None,
) -> FloatArray:
    """Total amount won in each of ``n_simulations`` runs, deal ``i`` winning with
    ``probability[i]`` (a Poisson-binomial sum weighted by amounts).

    ``probability`` may also be a matrix of scenarios x deals: the simulations are then
    shared out evenly over the scenarios in order (simulation ``j`` uses row
    ``j * scenarios // n_simulations``), and deals are independent only *within* a scenario -
    how uncertainty that every deal shares (the period's win rates) enters the total.

    Uniform draws in blocks of simulations x deals, four 16-bit integers from each 64-bit
    output of the generator (a deal wins when its draw is below ``probability x 65,536``,
    rounded, so probabilities resolve to 1/65,536; a deal certain in every scenario always
    wins); a block's wins become 0/1 and one matrix-vector product gives its amount per
    simulation. Work is split over threads (NumPy's generators and BLAS release the GIL),
    each with its own stream spawned from ``seed``, so the result depends on ``seed`` and
    ``workers`` only.
    """
    p = np.atleast_2d(np.asarray(probability, dtype=np.float32))
    a = np.asarray(amount, dtype=np.float32)
    certain = (p >= 1).all(axis=0)
    sure = float(np.asarray(amount, dtype=np.float64)[certain].sum())
    live = (p > 0).any(axis=0) & (a != 0) & ~certain
    level = np.rint(np.clip(p[:, live], 0.0, 1.0) * _LEVELS)
    threshold = np.ascontiguousarray(np.minimum(level, _LEVELS - 1).astype(np.uint16))
    a = a[live]
    rows = threshold.shape[0]
    workers = workers or min(os.cpu_count() or 1, 4)
    first = (np.arange(rows + 1) * n_simulations + rows - 1) // rows  # first sim of each row
    if rows == 1:  # one scenario: split its simulations over the workers instead
        jobs = [
            (0, int(lo), int(hi)) for lo, hi in pairwise(np.linspace(0, n_simulations, workers + 1))
        ]
    else:
        jobs = [(r, int(first[r]), int(first[r + 1])) for r in range(rows)]
    streams = (
        seed.spawn(workers)
        if isinstance(seed, np.random.SeedSequence)
        else np.random.SeedSequence(seed).spawn(workers)
    )
    totals = np.full(n_simulations, sure, dtype=np.float64)

    def run(part: int) -> None:
        rng = np.random.Generator(np.random.PCG64(streams[part]))
        for row, lo, hi in jobs[part::workers]:
            if hi > lo and a.size:
                _simulate_rows(rng, threshold[row], a, totals[lo:hi])

    if workers == 1:
        run(0)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, range(workers)))
    return totals


def _simulate_rows(
    rng: np.random.Generator, threshold: np.ndarray, a: np.ndarray, out: FloatArray
) -> None:
    """Add to ``out`` (one slot per simulation) the amount won over all deals."""
    sims = out.size
    width = max(1, min(threshold.size, _BLOCK // sims))
    wins = np.empty(sims * width, dtype=np.float32)
    raw = rng.bit_generator.random_raw
    for start in range(0, threshold.size, width):
        stop = min(start + width, threshold.size)
        k = stop - start
        u = raw((sims * k + 3) // 4).view(np.uint16)[: sims * k].reshape(sims, k)
        w = wins[: sims * k].reshape(sims, k)
        np.less(u, threshold[start:stop], out=w, casting="unsafe")
        out += w @ a[start:stop]
