"""Shapley values: the characteristic function pinned by hand, exactness by brute force."""

from __future__ import annotations

from itertools import permutations
from math import factorial

import numpy as np
import pytest

from l2o.analytics.attribution import AttributionError, Shapley, journeys_from_paths

# {a}: 10 journeys, 2 conversions; {b}: 10, 1; {a, b}: 10, 6 (written both ways round).
GAME = journeys_from_paths(
    ["a", "b", "a > b", "b > a > a"], [2, 1, 3, 3], [20.0, 10.0, 30.0, 60.0], [8, 9, 2, 2]
)


def test_hand_computed_two_channel_game():
    model = Shapley(min_journeys=1).fit(GAME)
    # v(a) = .2, v(b) = .1, v(ab) = .6. Group {a,b}: phi_a = (.2 + .5) / 2 = .35,
    # phi_b = (.1 + .4) / 2 = .25, times 10 journeys. a: 2 + 3.5, b: 1 + 2.5.
    assert model.coalition_rates_.tolist() == pytest.approx([0.0, 0.2, 0.1, 0.6])
    assert model.credits_.conversions.tolist() == pytest.approx([5.5, 3.5])
    # Value per journey: v(a) = 2, v(b) = 1, v(ab) = 9 -> a: 20 + 50, b: 10 + 40.
    assert model.credits_.value.tolist() == pytest.approx([70.0, 50.0])


def test_thin_coalitions_pool_over_their_subsets():
    model = Shapley(min_journeys=20).fit(GAME)
    # Every exact coalition has 10 journeys: v(ab) = (2 + 1 + 6) / 30, v(a) = .2, v(b) = .1
    assert model.coalition_rates_.tolist() == pytest.approx([0.0, 0.2, 0.1, 0.3])
    # Group {a,b}: phi_a = (.2 + .2) / 2, phi_b = (.1 + .1) / 2; sum .3 * 10 = 3 of the 6
    # conversions, so credits are rescaled to the 9 conversions: (2+2, 1+1) * 9 / 6.
    assert model.credits_.conversions.tolist() == pytest.approx([6.0, 3.0])


def _brute_force(rates, coalition_journeys, k):
    credit = np.zeros(k)
    for coalition, n in coalition_journeys.items():
        members = [c for c in range(k) if coalition >> c & 1]
        for order in permutations(members):
            mask = 0
            for c in order:
                credit[c] += n * (rates[mask | 1 << c] - rates[mask]) / factorial(len(members))
                mask |= 1 << c
    return credit


def test_matches_brute_force_over_permutations():
    rng = np.random.default_rng(11)
    channels = list("abcde")
    paths = [" > ".join(rng.choice(channels, rng.integers(1, 6))) for _ in range(400)]
    conv = rng.integers(0, 3, 400)
    nulls = rng.integers(0, 5, 400) + (conv == 0)
    j = journeys_from_paths(paths, conv, conv * 3.0, nulls)
    model = Shapley(min_journeys=1).fit(j)
    coalitions: dict[int, float] = {}
    for i in range(j.n_paths):
        mask = 0
        for c in j.touches[j.offsets[i] : j.offsets[i + 1]]:
            mask |= 1 << int(c)
        coalitions[mask] = coalitions.get(mask, 0.0) + j.conversions[i] + j.nulls[i]
    expected = _brute_force(model.coalition_rates_, coalitions, len(j.channels))
    # every observed coalition uses its own rate, so credits already sum to conversions
    assert expected.sum() == pytest.approx(j.conversions.sum())
    assert model.credits_.conversions == pytest.approx(expected)


def test_too_many_channels_is_a_clear_error():
    names = [f"c{i}" for i in range(16)]
    with pytest.raises(AttributionError, match="16 channels; exact Shapley values"):
        Shapley().fit(journeys_from_paths([" > ".join(names)], [1]))
