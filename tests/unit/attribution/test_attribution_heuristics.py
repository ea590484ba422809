"""Heuristic models against hand-computed credit."""

from __future__ import annotations

import numpy as np
import pytest

from l2o.analytics.attribution import (
    AttributionError,
    FirstTouch,
    LastTouch,
    Linear,
    PositionBased,
    TimeDecay,
    WShaped,
    journeys_from_paths,
    journeys_from_touchpoints,
)

FOUR = journeys_from_paths(["a > b > c > d"], [1], [10.0], [5])


def _conv(model, journeys=FOUR):
    credits = model.fit(journeys).credits_
    return dict(zip(credits.channels, credits.conversions.round(6).tolist(), strict=True))


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (FirstTouch(), {"a": 1, "b": 0, "c": 0, "d": 0}),
        (LastTouch(), {"a": 0, "b": 0, "c": 0, "d": 1}),
        (Linear(), {"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}),
        (PositionBased(), {"a": 0.4, "b": 0.1, "c": 0.1, "d": 0.4}),
        (WShaped(), {"a": 0.3, "b": 0.3, "c": 0.1, "d": 0.3}),  # b is the middle touch
        # half life of one touch: 1/8, 1/4, 1/2, 1 over 15/8
        (TimeDecay(), {"a": round(1 / 15, 6), "b": round(2 / 15, 6), "c": 0.266667, "d": 0.533333}),
    ],
)
def test_four_touch_journey(model, expected):
    assert _conv(model) == expected


def test_value_follows_the_same_weights_and_totals_are_kept():
    j = journeys_from_paths(["a > b > a", "b", "c > a"], [2, 1, 0], [30.0, 5.0, 0.0], [1, 1, 4])
    for model in (FirstTouch(), LastTouch(), Linear(), PositionBased(), WShaped(), TimeDecay()):
        credits = model.fit(j).credits_
        assert credits.conversions.sum() == pytest.approx(3.0)
        assert credits.value.sum() == pytest.approx(35.0)
    credits = Linear().fit(j).credits_
    # a: 2/3 of path 1 (2 conv, 30 value); b: 1/3 of path 1 + path 2; c: nothing converted
    assert credits.conversions.tolist() == pytest.approx([4 / 3, 2 / 3 + 1, 0.0])
    assert credits.value.tolist() == pytest.approx([20.0, 10.0 + 5.0, 0.0])


def test_short_journeys():
    two = journeys_from_paths(["a > b", "c"], [1, 1], [0.0, 0.0], [0, 0])
    assert _conv(PositionBased(), two) == {"a": 0.5, "b": 0.5, "c": 1.0}
    assert _conv(PositionBased(first=0.3, last=0.6), two) == {
        "a": round(1 / 3, 6),
        "b": round(2 / 3, 6),
        "c": 1.0,
    }
    three = journeys_from_paths(["a > b > c"], [3], [0.0], [0])
    assert _conv(WShaped(), three) == {"a": 1.0, "b": 1.0, "c": 1.0}
    assert _conv(PositionBased(), three) == {"a": 1.2, "b": 0.6, "c": 1.2}


def test_time_decay_uses_touch_times_in_days():
    day = 86_400
    j = journeys_from_touchpoints(
        ["L1", "L1", "L1"], ["a", "b", "c"], np.array([0, 7, 14]) * day, ["L1"], [1]
    )
    # ages 14, 7 and 0 days at a 7-day half life: 1/4, 1/2, 1 over 7/4
    assert _conv(TimeDecay(half_life_days=7), j) == {
        "a": round(1 / 7, 6),
        "b": round(2 / 7, 6),
        "c": round(4 / 7, 6),
    }


def test_w_shaped_uses_the_lead_creation_touch_when_known():
    j = journeys_from_touchpoints(
        ["L1"] * 5,
        ["a", "b", "c", "d", "e"],
        [1, 2, 3, 4, 5],
        ["L1"],
        [1],
        milestone_times=[3.5],  # created after the touch at 3: channel c
    )
    assert _conv(WShaped(), j) == {"a": 0.3, "b": 0.05, "c": 0.3, "d": 0.05, "e": 0.3}


def test_bad_parameters():
    with pytest.raises(AttributionError):
        PositionBased(first=0.7, last=0.7)
    with pytest.raises(AttributionError):
        TimeDecay(half_life_days=0)
