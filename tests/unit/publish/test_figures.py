"""How numbers read: missing ones never become zero."""

from __future__ import annotations

import pytest

from l2o.publish import figures


def test_missing_numbers_read_not_measured() -> None:
    assert figures.score(None) == "not measured"
    assert figures.metric_value("stalled_share", None) == "not measured"
    assert figures.money(None, "USD") == "not measured"
    assert figures.change(None) == "not measured"


def test_a_zero_is_shown_as_zero() -> None:
    assert figures.score(0.0) == "0.0"
    assert figures.metric_value("deal_type_captured_share", 0.0) == "0.0%"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("grr", 0.914, "91.4%"),
        ("median_speed_to_lead_hours", 3.26, "3.3 h"),
        ("renewal_lead_days", 61.4, "61 days"),
        ("icp_win_rate_lift", 1.234, f"1.23{figures.TIMES}"),
    ],
)
def test_metric_values_read_in_their_unit(name: str, value: float, expected: str) -> None:
    assert figures.metric_value(name, value) == expected


def test_levels_carry_their_word() -> None:
    assert figures.level(3) == "3 · Enforced"
    assert figures.level(None) == "—"


def test_timestamps_read_as_days_and_other_text_as_is() -> None:
    assert figures.day("2025-04-07T10:00:00+00:00") == "7 April 2025"
    assert figures.day("day 90") == "day 90"
