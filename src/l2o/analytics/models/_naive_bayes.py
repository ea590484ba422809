"""The naive-Bayes frequency model of the kind Odoo's predictive lead scoring ships.

For each field, count how often each value appears among won and among lost records (with
``alpha`` added to every count, as Odoo adds 0.1 so an unseen pairing is not zero); a
record's odds are the prior odds times, for each field, the ratio of its value's frequency
among won to among lost::

    P(won | x) / P(lost | x) = P(won) / P(lost) x  Π_f  P(x_f | won) / P(x_f | lost)

A blank value is skipped (it neither raises nor lowers the odds), as Odoo skips empty fields.
Numbers are binned first (see :mod:`._levels`). Fields are assumed independent given the
outcome - the "naive" part, which over-counts correlated fields and makes the probabilities
overconfident; that is what the comparison on a hold-out shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np

from l2o.analytics.models._base import ScoringModel, feature_codes, fit_levels, known_outcomes
from l2o.analytics.models._compiled import CompiledFeature, CompiledScorer
from l2o.analytics.models._features import Examples, FloatArray

__all__ = ["FrequencyNaiveBayes"]


class FrequencyNaiveBayes(ScoringModel):
    """Per-field value frequencies among won vs lost, multiplied (Odoo-style naive Bayes)."""

    name = "naive_bayes"

    def __init__(
        self,
        features: Sequence[str] | None = None,
        *,
        alpha: float = 0.1,
        min_count: int = 20,
        n_bins: int = 5,
    ) -> None:
        self.features = features
        self.alpha = alpha
        self.min_count = min_count
        self.n_bins = n_bins

    def fit(self, examples: Examples) -> Self:
        """Count each level among positive and negative outcomes."""
        known = known_outcomes(examples, self.name)
        self.task_ = known.task.name
        self.levels_ = fit_levels(
            known, self.features, min_count=self.min_count, n_bins=self.n_bins
        )
        codes = feature_codes(self.levels_, known)
        y = known.y.astype(bool)
        self.won_counts_ = []
        self.lost_counts_ = []
        self.log_ratios_ = []
        for j, lv in enumerate(self.levels_):
            won = np.bincount(codes[y, j], minlength=lv.size).astype(np.float64)
            lost = np.bincount(codes[~y, j], minlength=lv.size).astype(np.float64)
            self.won_counts_.append(won)
            self.lost_counts_.append(lost)
            # Frequencies over the non-blank values (the last level is blank, skipped).
            w, lo = won[:-1] + self.alpha, lost[:-1] + self.alpha
            ratio = np.log(w / w.sum()) - np.log(lo / lo.sum())
            self.log_ratios_.append(np.append(ratio, 0.0))
        positives, negatives = int(y.sum()), int((~y).sum())
        self.prior_log_odds_ = float(np.log(positives / negatives))
        self.baselines_ = [
            float(self.log_ratios_[j][codes[:, j]].mean()) for j in range(len(self.levels_))
        ]
        self.n_outcomes_ = (positives, negatives)
        return self

    def log_odds(self, examples: Examples) -> FloatArray:
        """Prior log-odds plus each field's log frequency ratio."""
        self._check_fitted()
        codes = feature_codes(self.levels_, examples)
        z = np.full(len(examples), self.prior_log_odds_, dtype=np.float64)
        for j, ratios in enumerate(self.log_ratios_):
            z += ratios[codes[:, j]]
        return z

    def predict_proba(self, examples: Examples) -> FloatArray:
        """The naive-Bayes probability of the outcome (not recalibrated)."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.log_odds(examples))), dtype=np.float64)

    def compile(self) -> CompiledScorer:
        """The frequency ratios as lookup tables, the prior as the intercept."""
        self._check_fitted()
        return CompiledScorer(
            task=self.task_,
            model=self.name,
            intercept=self.prior_log_odds_,
            features=tuple(
                CompiledFeature(lv, tuple(float(x) for x in ratios), base)
                for lv, ratios, base in zip(
                    self.levels_, self.log_ratios_, self.baselines_, strict=True
                )
            ),
        )

    @property
    def how(self) -> str:
        """What the model is and how many outcomes it counted."""
        self._check_fitted()
        won, lost = self.n_outcomes_
        return (
            f"naive Bayes over {len(self.levels_)} fields: value frequencies among {won} "
            f"positive and {lost} negative outcomes (+{self.alpha:g} per count), multiplied"
        )
