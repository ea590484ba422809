"""Building journeys: the path format and touchpoint rows, counted and checked."""

from __future__ import annotations

import numpy as np
import pytest

from l2o.analytics.attribution import (
    AttributionError,
    journeys_from_paths,
    journeys_from_touchpoints,
)


def test_paths_merge_equal_strings_and_trim_channel_names():
    j = journeys_from_paths(
        ["b > a", "a", " b>a "], [1, 0, 2], [10.0, 0.0, 4.0], [0, 3, 1], source="p.csv"
    )
    assert j.channels == ("a", "b")
    # " b>a " is another string than "b > a": two rows, same channels.
    assert j.n_paths == 3
    assert j.n_journeys == 7
    assert j.touches.tolist() == [1, 0, 0, 1, 0]
    assert j.offsets.tolist() == [0, 2, 3, 5]
    merged = journeys_from_paths(["a>b", "a>b"], [1, 2], [1.0, 2.0], [0, 4])
    assert merged.n_paths == 1
    assert merged.conversions.tolist() == [3.0]
    assert merged.nulls.tolist() == [4.0]


@pytest.mark.parametrize(
    ("paths", "conversions", "message"),
    [
        (["a > > b"], [1], "row 1: path 'a > > b' has an empty channel"),
        (["a", None], [1, 1], "row 2: path is empty"),
        (["a", "b"], [1, -1], "row 2: total_conversions must be a number >= 0"),
        (["a"], [1, 2], "total_conversions has 2 rows, expected 1"),
    ],
)
def test_bad_paths_name_the_row_and_rule(paths, conversions, message):
    with pytest.raises(AttributionError, match=message):
        journeys_from_paths(paths, conversions, source="p.csv")


def _touchpoint_journeys(**kwargs):
    return journeys_from_touchpoints(
        ["L1", "L2", "L1", "L1", "", "L2"],
        [b"events", b"organic", b"paid", b"organic", b"events", b"paid"],
        np.array([30, 10, 20, 90, 5, 40], dtype=np.int64),
        ["L1", "L2", "L3"],
        [1, 0, 1],
        [100.0, 0.0, 50.0],
        **kwargs,
    )


def test_touchpoints_are_ordered_per_journey_and_everything_left_out_is_counted():
    j = _touchpoint_journeys(
        outcome_times=np.array([60.0, np.nan, 10.0]),
        milestone_times=np.array([25.0, 10.0, np.nan]),
        campaigns=["C1", "C2", "C3", "C1", "", "C2"],
    )
    assert j.channels == ("events", "organic", "paid")
    assert j.n_paths == 2  # L3 has no touch
    assert [j.channels[c] for c in j.touches] == ["paid", "events", "organic", "paid"]
    assert j.offsets.tolist() == [0, 2, 4]
    assert j.conversions.tolist() == [1.0, 0.0]
    assert j.nulls.tolist() == [0.0, 1.0]
    assert j.times is not None
    assert j.times.tolist() == [20.0, 30.0, 10.0, 40.0]
    assert j.milestones is not None
    assert j.milestones.tolist() == [0, 0]
    assert j.excluded == {
        "touches_without_journey": 1.0,
        "touches_after_outcome": 1.0,  # L1's organic touch at 90 came after converting at 60
        "journeys_without_touches": 1.0,
        "conversions_without_touches": 1.0,
        "value_without_touches": 50.0,
    }
    by_campaign = j.by_campaign()
    assert by_campaign.channels == ("C1", "C2", "C3")
    assert [by_campaign.channels[c] for c in by_campaign.touches] == ["C3", "C1", "C2", "C2"]


def test_touch_of_an_unknown_journey_is_an_error():
    with pytest.raises(AttributionError, match="touch row 1: journey 'L9' has no outcome row"):
        journeys_from_touchpoints(["L9"], ["a"], [1], ["L1"], [1])


def test_duplicate_outcome_rows_and_blank_times_are_errors():
    with pytest.raises(AttributionError, match="journey 'L1' has 2 outcome rows"):
        journeys_from_touchpoints(["L1"], ["a"], [1], ["L1", "L1"], [1, 0])
    with pytest.raises(AttributionError, match="touch row 2: time is blank"):
        journeys_from_touchpoints(["L1", "L1"], ["a", "b"], [1.0, np.nan], ["L1"], [1])


def test_integer_ids_and_datetime_times_work():
    times = np.array(["2024-01-02T00:00:00", "2024-01-01T00:00:00"], dtype="datetime64[s]")
    j = journeys_from_touchpoints([7, 7], ["b", "a"], times, [7], [1])
    assert [j.channels[c] for c in j.touches] == ["a", "b"]


def test_campaign_credit_needs_a_campaign_on_every_touch():
    j = _touchpoint_journeys(campaigns=["C1", "", "C3", "C1", "", "C2"])
    with pytest.raises(AttributionError, match="1 touches have no campaign"):
        j.by_campaign()
    with pytest.raises(AttributionError, match="carry no campaigns"):
        _touchpoint_journeys().by_campaign()
