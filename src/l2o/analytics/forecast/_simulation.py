"""The Monte Carlo kernel: total amount won per simulation when each deal wins independently."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from l2o.analytics.forecast._deals import FloatArray

__all__ = ["simulate_bookings"]

_BLOCK = 1 << 18  # uniform draws per block: 1 MiB of float32, so each pass stays in cache


def simulate_bookings(
    probability: FloatArray,
    amount: FloatArray,
    n_simulations: int,
    seed: int | np.random.SeedSequence = 0,
    *,
    workers: int | None = None,
) -> FloatArray:
    """Total amount won in each of ``n_simulations`` runs, deal ``i`` winning with
    ``probability[i]`` independently (a Poisson-binomial sum weighted by amounts).

    Uniform float32 draws in blocks of deals x simulations; a block's wins become 0/1 and
    one matrix-vector product gives its amount per simulation. Simulations are split over
    threads (NumPy's generators and BLAS release the GIL), each with its own stream spawned
    from ``seed``, so the result depends on ``seed`` and ``workers`` only.
    """
    p = np.asarray(probability, dtype=np.float32)
    a = np.asarray(amount, dtype=np.float32)
    live = (p > 0) & (a != 0)
    certain = float(np.asarray(amount, dtype=np.float64)[p >= 1].sum())
    live &= p < 1
    p, a = p[live], a[live]
    workers = workers or min(os.cpu_count() or 1, 4)
    bounds = np.linspace(0, n_simulations, workers + 1).astype(int)
    streams = (
        np.random.SeedSequence(seed).spawn(workers)
        if not isinstance(seed, np.random.SeedSequence)
        else seed.spawn(workers)
    )
    totals = np.full(n_simulations, certain, dtype=np.float64)

    def run(part: int) -> None:
        lo, hi = int(bounds[part]), int(bounds[part + 1])
        if hi <= lo or p.size == 0:
            return
        rng = np.random.Generator(np.random.PCG64(streams[part]))
        sims = hi - lo
        width = max(1, min(p.size, _BLOCK // sims))
        draws = np.empty(sims * width, dtype=np.float32)
        wins = np.empty(sims * width, dtype=np.float32)
        out = totals[lo:hi]
        for start in range(0, p.size, width):
            stop = min(start + width, p.size)
            k = stop - start
            u = draws[: sims * k].reshape(sims, k)
            rng.random(dtype=np.float32, out=u)
            w = wins[: sims * k].reshape(sims, k)
            np.less(u, p[start:stop], out=w, casting="unsafe")
            out += w @ a[start:stop]

    if workers == 1:
        run(0)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, range(workers)))
    return totals
