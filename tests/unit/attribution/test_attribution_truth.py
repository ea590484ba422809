"""Every model scored against a simulated company's true channel effects."""

from __future__ import annotations

import numpy as np
import pytest

from l2o.analytics.attribution import (
    DEFAULT_MODEL,
    MODELS,
    journeys_from_paths,
    journeys_from_touchpoints,
    make_model,
    score_against_truth,
)
from l2o.simulate import MISSING, simulate


@pytest.fixture(scope="module")
def company_journeys():
    company = simulate("defined", leads=20_000, seed=1)
    touches, leads = company.tables["touchpoints"], company.tables["leads"]
    converted_at = np.where(
        leads["converted_at"] == MISSING, np.nan, leads["converted_at"].astype(float)
    )
    journeys = journeys_from_touchpoints(
        touches["lead_id"],
        touches["channel"],
        touches["occurred_at"],
        leads["id"],
        (~np.isnan(converted_at)).astype(float),
        outcome_times=converted_at,
        milestone_times=leads["created_at"],
    )
    effects = {c: v["incremental_conversion_effect"] for c, v in company.truth["channels"].items()}
    return journeys, effects


def _causal_error(score):
    """Total error over the channels that cause conversions (paid search left out)."""
    ch = {c: v for c, v in score["channels"].items() if c != "paid_search"}
    model = np.array([v["credit_share"] for v in ch.values()])
    true = np.array([v["true_share"] for v in ch.values()])
    return float(np.abs(model / model.sum() - true / true.sum()).sum() / 2)


def test_default_model_is_closest_on_the_channels_that_cause_conversion(company_journeys):
    journeys, effects = company_journeys
    scores = {
        name: score_against_truth(make_model(name).fit(journeys).credits_, effects, journeys)
        for name in MODELS
    }
    causal = {name: _causal_error(s) for name, s in scores.items()}
    assert min(causal, key=causal.__getitem__) == DEFAULT_MODEL
    assert causal["shapley"] < 0.6 * causal["markov"]
    # Path-frequency Markov under-credits the strongest cause (referrals) the most.
    referrals = {n: s["channels"]["referrals"]["credit_share"] for n, s in scores.items()}
    assert referrals["markov"] < referrals["shapley"]
    # Every path model credits the paid-search passenger, which causes nothing.
    assert all(s["channels"]["paid_search"]["true_share"] == 0 for s in scores.values())
    assert all(s["channels"]["paid_search"]["credit_share"] > 0.15 for s in scores.values())


def test_score_of_a_perfect_and_a_wrong_model():
    j = journeys_from_paths(["a", "b"], [1, 1], [0.0, 0.0], [1, 1])
    credits = make_model("linear").fit(j).credits_
    assert score_against_truth(credits, {"a": 0.1, "b": 0.1}, j)["total_error"] == 0
    wrong = score_against_truth(credits, {"a": 0.2, "b": 0.0}, j)
    assert wrong["total_error"] == pytest.approx(0.5)
    assert wrong["channels"]["b"] == {"credit_share": 0.5, "true_share": 0.0, "error": 0.5}
