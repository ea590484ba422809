"""AUC, Brier score, reliability and drift."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from l2o.analytics.models import (
    brier_score,
    population_stability_index,
    reliability_curve,
    roc_auc,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_and_brier_agree_with_scikit_learn_including_ties(seed):
    rng = np.random.default_rng(seed)
    y = rng.random(500) < 0.3
    p = np.round(rng.random(500) * 0.5 + 0.4 * y, 1)  # coarse: many ties
    assert roc_auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p))


def test_auc_needs_both_outcomes():
    assert roc_auc(np.array([1, 1]), np.array([0.2, 0.3])) is None


def test_reliability_bins_hold_every_record_and_their_rates():
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.05, 0.15, 0.95, 1.0, 0.99])
    bins = reliability_curve(y, p, n_bins=10)
    assert sum(b.n for b in bins) == 5
    assert bins[0].n == 1
    assert bins[0].observed_rate == 0.0
    assert bins[9].n == 3
    assert bins[9].observed_rate == pytest.approx(2 / 3)
    assert bins[9].mean_predicted == pytest.approx((0.95 + 1.0 + 0.99) / 3)
    assert bins[5].mean_predicted is None


def test_psi_is_near_zero_for_the_same_population_and_large_for_a_shift():
    rng = np.random.default_rng(3)
    reference = rng.beta(2, 5, 5_000)
    same = population_stability_index(reference, rng.beta(2, 5, 5_000))
    shifted = population_stability_index(reference, rng.beta(5, 2, 5_000))
    assert same.psi is not None
    assert same.psi < 0.02
    assert same.status == "stable"
    assert shifted.psi is not None
    assert shifted.psi > 0.25
    assert shifted.status.startswith("shifted")
    empty = population_stability_index(reference, np.array([]))
    assert empty.psi is None
    assert "no recent" in empty.status
