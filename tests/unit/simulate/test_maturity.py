"""Profiles and ``--maturity`` parsing, with errors that name the problem."""

from __future__ import annotations

import pytest

from l2o.simulate import PROFILES, MaturityError, parse_maturity_overrides, resolve_maturity


def test_overrides_win_over_the_profile():
    m = resolve_maturity("founder-led", parse_maturity_overrides("icp=4, pricing=3"))
    assert (m.icp, m.pricing, m.pipeline) == (4, 3, PROFILES["founder-led"].pipeline)


def test_profiles_include_the_four_archetypes():
    assert {"founder-led", "crm-first", "defined", "revenue-machine"} <= set(PROFILES)
    assert PROFILES["revenue-machine"].index >= 3.0 > 2.0 > PROFILES["founder-led"].index


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("speed=2", "'speed=2'"), ("icp=5", "0-4"), ("icp", "KEY=LEVEL"), ("icp=high", "0-4")],
)
def test_bad_items_are_named(text, fragment):
    with pytest.raises(MaturityError, match=fragment):
        parse_maturity_overrides(text)


def test_unknown_profile_lists_the_valid_ones():
    with pytest.raises(MaturityError, match="founder-led, crm-first, defined, revenue-machine"):
        resolve_maturity("unicorn")
