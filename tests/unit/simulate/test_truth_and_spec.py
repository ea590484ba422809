"""truth.json holds the maturity, the parameters and the channel truth; the spec is valid."""

from __future__ import annotations

import json

import pytest

from l2o.simulate import CHANNELS, DIMENSIONS, PROFILES, architecture_yaml, simulate
from l2o.simulate._truth import truth_json
from l2o.spec import load_spec


def test_truth_records_maturity_parameters_and_channels(defined):
    truth = json.loads(truth_json(defined.truth))
    assert set(truth["maturity"]) == set(DIMENSIONS)
    assert truth["maturity"] == defined.maturity.dimensions()
    assert truth["technology_investment"] == defined.maturity.technology
    assert "discount_sd" in truth["parameters"]
    assert truth["duplicates"]["file"] == "duplicates.csv"
    assert set(truth["channels"]) == set(CHANNELS)
    channels = truth["channels"]
    # Causal channels lift conversion; paid search does not, yet rides on converting paths.
    assert channels["referrals"]["incremental_conversion_effect"] > 0.01
    assert channels["paid_search"]["incremental_conversion_effect"] == 0
    assert not channels["paid_search"]["causal"]
    ps = channels["paid_search"]
    assert ps["share_of_converting_paths"] > ps["share_of_other_paths"] + 0.2


@pytest.mark.parametrize("profile", list(PROFILES))
def test_each_profile_emits_a_valid_spec(profile):
    company = simulate(profile, leads=500, seed=1)
    spec = load_spec(company.spec)
    assert spec.company.name
    assert load_spec(__import__("yaml").safe_load(architecture_yaml(company))) == spec


def test_founder_led_spec_is_thin():
    thin = simulate("founder-led", leads=500, seed=1).spec
    full = simulate("revenue-machine", leads=500, seed=1).spec
    assert len(thin) < len(full)
    stages = full["pipeline"]["pipelines"][0]["stages"]
    assert all("exit_criteria" not in s for s in thin["pipeline"]["pipelines"][0]["stages"])
    assert sum(len(s.get("exit_criteria", [])) for s in stages) >= 5
    assert len(architecture_yaml_lines(thin)) < len(architecture_yaml_lines(full)) / 2


def architecture_yaml_lines(spec):  # type: ignore[no-untyped-def]
    from l2o.spec import spec_to_yaml

    return spec_to_yaml(load_spec(spec)).splitlines()


def test_crm_first_records_high_technology_and_its_quadrant():
    truth = simulate("crm-first", leads=500, seed=1).truth
    assert truth["technology_investment"] == 4
    assert truth["quadrant"] == "technology_ahead_of_architecture"
