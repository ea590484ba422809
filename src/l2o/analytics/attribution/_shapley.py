"""Shapley-value attribution over channel sets, computed exactly.

The game (pinned by ``tests/unit/attribution/test_shapley.py``):

* A journey's **coalition** is the set of distinct channels on its path (order and repeats
  ignored). Journeys are grouped by coalition ``T``: ``N(T)`` journeys, ``C(T)``
  conversions, ``V(T)`` value.
* **Characteristic function**: ``v(S)``, the conversion rate of journeys whose coalition is
  exactly ``S``, ``C(S) / N(S)`` (value per journey, ``V(S) / N(S)``, for value credit).
  When fewer than ``min_journeys`` journeys have exactly ``S``, ``v(S)`` is the rate over the
  journeys whose coalition is a subset of ``S`` (those that used only channels in ``S``);
  ``v(S) = 0`` when there are none, and ``v({}) = 0``: every conversion is credited to some
  channel, as in the other models. Because ``v`` uses the journeys that did *not* convert,
  a channel earns credit for raising the conversion rate of the journeys it joins, not for
  merely being present on converting ones.
* Each group's ``N(T) * v(T)`` is split among the channels of ``T`` by their Shapley values
  in the game ``v`` restricted to subsets of ``T``; a channel's credit is the sum over groups,
  rescaled so that credits sum to total conversions (or value).

Computed exactly over all ``2^k`` subsets with subset and superset sums (no sampling, no
per-journey loop), in ``O(k^2 2^k)``; hence the ``max_channels`` limit.
"""

from __future__ import annotations

from math import comb

import numpy as np

from l2o.analytics.attribution._base import AttributionModel
from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._journeys import FloatArray, IntArray, Journeys, sum_by

__all__ = ["Shapley"]


class Shapley(AttributionModel):
    """Exact Shapley-value credit for up to ``max_channels`` channels (see module docstring).

    After ``fit``: ``credits_`` and ``coalition_rates_``, ``v(S)`` for every subset ``S``
    (bit ``i`` of the index set when channel ``i`` is in ``S``).
    """

    name = "shapley"

    coalition_rates_: FloatArray

    def __init__(self, min_journeys: int = 30, max_channels: int = 15) -> None:
        if min_journeys < 1 or not 1 <= max_channels <= 20:
            raise AttributionError("shapley: min_journeys >= 1, max_channels in 1..20")
        self.min_journeys = min_journeys
        self.max_channels = max_channels

    def describe(self) -> str:
        return (
            "exact Shapley values over channel sets, the worth of a set being the conversion "
            f"rate of journeys using it (pooled over its subsets below {self.min_journeys} "
            "journeys), normalised to total conversions and value"
        )

    def _credit(self, journeys: Journeys) -> tuple[FloatArray, FloatArray]:
        k = len(journeys.channels)
        if k > self.max_channels:
            raise AttributionError(
                f"{journeys.source}: {k} channels; exact Shapley values are computed for up "
                f"to {self.max_channels} (2^{self.max_channels} subsets)"
            )
        bits = np.left_shift(np.int64(1), journeys.touches)
        coalition = np.bitwise_or.reduceat(bits, journeys.offsets[:-1])
        size = 1 << k
        n = sum_by(coalition, journeys.conversions + journeys.nulls, size)
        c = sum_by(coalition, journeys.conversions, size)
        v = sum_by(coalition, journeys.value, size)
        rate = self._worth(n, c)
        self.coalition_rates_ = rate
        weights = _group_weights(n, k)
        return (
            _normalise(_shapley_credit(rate, weights, k), journeys.conversions.sum()),
            _normalise(_shapley_credit(self._worth(n, v), weights, k), journeys.value.sum()),
        )

    def _worth(self, n: FloatArray, outcome: FloatArray) -> FloatArray:
        exact = np.divide(outcome, n, out=np.zeros_like(n), where=n > 0)
        pooled_n, pooled = _subset_sums(n), _subset_sums(outcome)
        fallback = np.divide(pooled, pooled_n, out=np.zeros_like(n), where=pooled_n > 0)
        worth = np.where(n >= self.min_journeys, exact, fallback)
        worth[0] = 0.0
        return worth


def _popcount(k: int) -> IntArray:
    return np.bitwise_count(np.arange(1 << k, dtype=np.int64)).astype(np.int64)


def _subset_sums(values: FloatArray) -> FloatArray:
    """``out[S] = sum(values[T] for T subset of S)`` (zeta transform)."""
    out = values.copy()
    bit = 1
    while bit < len(out):
        view = out.reshape(-1, 2, bit)
        view[:, 1, :] += view[:, 0, :]
        bit <<= 1
    return out


def _superset_sums(values: FloatArray) -> FloatArray:
    """``out[S] = sum(values[T] for T superset of S)``."""
    out = values.copy()
    bit = 1
    while bit < len(out):
        view = out.reshape(-1, 2, bit)
        view[:, 0, :] += view[:, 1, :]
        bit <<= 1
    return out


def _group_weights(n: FloatArray, k: int) -> FloatArray:
    """``W[U] = sum over T ⊇ U of N(T) (|U|-1)! (|T|-|U|)! / |T|!``.

    Channel ``c``'s credit is then ``sum over U ∋ c of W[U] (v(U) - v(U - c))``: the Shapley
    value of every group, weighted by its journeys, in one pass.
    """
    pop = _popcount(k)
    weights = np.zeros_like(n)
    u = np.maximum(pop, 1)
    for t in range(1, k + 1):
        layer = _superset_sums(np.where(pop == t, n, 0.0))
        ok = (pop >= 1) & (pop <= t)
        # (u-1)! (t-u)! / t! = 1 / (t * C(t-1, u-1))
        coef = np.zeros_like(n)
        coef[ok] = 1.0 / (t * _binomial(t - 1, u[ok] - 1))
        weights += coef * layer
    return weights


def _binomial(n: int, r: IntArray) -> FloatArray:
    table = np.array([comb(n, i) for i in range(n + 1)], dtype=np.float64)
    return table[r]


def _shapley_credit(worth: FloatArray, weights: FloatArray, k: int) -> FloatArray:
    index = np.arange(1 << k, dtype=np.int64)
    credit = np.zeros(k)
    for c in range(k):
        with_c = index[(index >> c) & 1 == 1]
        credit[c] = np.dot(weights[with_c], worth[with_c] - worth[with_c ^ (1 << c)])
    return credit


def _normalise(credit: FloatArray, total: float) -> FloatArray:
    s = credit.sum()
    return credit / s * total if s > 0 else np.zeros_like(credit)
