"""Markov-chain attribution by removal effect, solved exactly from the absorbing chain.

Definitions (pinned by ``tests/unit/attribution/test_markov.py``):

* **States**: ``(start)``, one per channel, and two absorbing states ``(conversion)`` and
  ``(null)``. First order: the next state depends on the current channel only.
* **Transitions** are counted over paths, each weighted by the journeys it stands for
  (``conversions + nulls``): ``(start) -> c1 -> ... -> cn``, then ``cn -> (conversion)``
  ``conversions`` times and ``cn -> (null)`` ``nulls`` times. Rows are normalised to
  probabilities.
* **Self-transitions** (``a -> a``, a channel touched twice in a row) are dropped. They only
  delay absorption, so absorption probabilities, removal effects and credit are the same with
  or without them; dropping them matches ``channelattribution``'s transition matrix.
* **Conversion probability** from each transient state is the solution ``x`` of
  ``(I - Q) x = r`` (``Q``: transient-to-transient probabilities, ``r``: into conversion),
  i.e. the fundamental matrix ``N = (I - Q)^-1`` applied to ``r``; no simulation.
* **Removal effect** of channel ``c``: ``1 - P_without_c / P``, where ``P`` is the conversion
  probability from ``(start)`` and ``P_without_c`` the same with every transition into ``c``
  redirected to ``(null)``. Each removal is a rank-one change of ``I - Q``, so all of them
  come from one solve (Sherman-Morrison) rather than one solve per channel.
* **Credit**: removal effects normalised to sum to one, times total conversions.
* **Value**: the same chain, with a conversion from channel ``c`` worth the mean value of the
  conversions whose last touch is ``c``; value removal effects are normalised to total value.
"""

from __future__ import annotations

import numpy as np

from l2o.analytics.attribution._base import AttributionModel
from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._journeys import FloatArray, Journeys, sum_by

__all__ = ["Markov"]

MAX_STATES = 5_000
"""Transient states solved densely; (5000 + 1)^2 doubles is 200 MB."""


class Markov(AttributionModel):
    """First-order Markov removal-effect attribution, exact and deterministic.

    After ``fit``: ``credits_``, ``removal_effects_`` and ``value_removal_effects_`` (per
    channel), ``conversion_probability_`` (from start), and ``transition_matrix_``, the
    ``(k + 3) x (k + 3)`` row-stochastic matrix over channels, ``(start)``, ``(conversion)``,
    ``(null)`` in that order (absorbing rows are zero).

    >>> from l2o.analytics.attribution import journeys_from_paths
    >>> j = journeys_from_paths(["a > b", "b"], [1, 0], [10.0, 0.0], [0, 1])
    >>> Markov().fit(j).credits_.conversions.round(3).tolist()  # channels ('a', 'b')
    [0.333, 0.667]
    """

    name = "markov"

    removal_effects_: FloatArray
    value_removal_effects_: FloatArray
    conversion_probability_: float
    transition_matrix_: FloatArray

    def describe(self) -> str:
        return (
            "first-order Markov chain, removal effects solved exactly from the absorbing "
            "chain and normalised to total conversions and value"
        )

    def _credit(self, journeys: Journeys) -> tuple[FloatArray, FloatArray]:
        k = len(journeys.channels)
        if k + 1 > MAX_STATES:
            raise AttributionError(
                f"{journeys.source}: {k} channels is more than the {MAX_STATES - 1} the "
                "Markov model solves; attribute by channel rather than by campaign"
            )
        prob = _transition_matrix(journeys)
        self.transition_matrix_ = prob
        start, conv = k, k + 1
        q = prob[: k + 1, : k + 1]
        r = prob[: k + 1, conv]
        reward = r * np.append(_value_per_conversion(journeys), 0.0)
        system = np.eye(k + 1) - q
        solved = np.linalg.solve(system, np.column_stack([r, reward, q[:, :k]]))
        x, xv, z = solved[:, 0], solved[:, 1], solved[:, 2:]
        # Zeroing column c of Q adds q[:, c] to column c of (I - Q): Sherman-Morrison gives
        # the start row of the new solution without another solve.
        shrink = z[start, :] / (1.0 + np.diag(z)[:k])
        p_without = x[start] - shrink * x[:k]
        v_without = xv[start] - shrink * xv[:k]
        self.conversion_probability_ = float(x[start])
        self.removal_effects_ = _removal(x[start], p_without)
        self.value_removal_effects_ = _removal(xv[start], v_without)
        return (
            _normalise(self.removal_effects_, journeys.conversions.sum()),
            _normalise(self.value_removal_effects_, journeys.value.sum()),
        )


def _transition_matrix(journeys: Journeys) -> FloatArray:
    """Row-normalised transition probabilities, self-transitions dropped."""
    k = len(journeys.channels)
    start, conv, null = k, k + 1, k + 2
    size = k + 3
    weight = journeys.conversions + journeys.nulls
    path = journeys.path_of_touch
    touches = journeys.touches
    first = touches[journeys.offsets[:-1]]
    last = touches[journeys.offsets[1:] - 1]
    step = (path[1:] == path[:-1]) & (touches[1:] != touches[:-1])
    source = np.concatenate([np.full(len(first), start), touches[:-1][step], last, last])
    target = np.concatenate(
        [first, touches[1:][step], np.full(len(last), conv), np.full(len(last), null)]
    )
    counts = np.concatenate([weight, weight[path[1:][step]], journeys.conversions, journeys.nulls])
    matrix = sum_by(source * size + target, counts, size * size).reshape(size, size)
    totals = matrix.sum(axis=1, keepdims=True)
    prob: FloatArray = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    return prob


def _value_per_conversion(journeys: Journeys) -> FloatArray:
    """Mean value of the conversions whose last touch is each channel."""
    k = len(journeys.channels)
    last = journeys.touches[journeys.offsets[1:] - 1]
    value = sum_by(last, journeys.value, k)
    conversions = sum_by(last, journeys.conversions, k)
    return np.divide(value, conversions, out=np.zeros(k), where=conversions > 0)


def _removal(total: float, without: FloatArray) -> FloatArray:
    if total <= 0:
        return np.zeros_like(without)
    return np.clip(1.0 - without / total, 0.0, 1.0).astype(np.float64)


def _normalise(effects: FloatArray, total: float) -> FloatArray:
    s = effects.sum()
    return effects / s * total if s > 0 else np.zeros_like(effects)
