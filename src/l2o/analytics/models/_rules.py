"""The spec's rule-based score as a baseline model.

The rules (the engine's lead score, or its ICP fit) give points, not probabilities; they
are what a learned model must beat. The points are computed by the caller - the engine's
pure functions, at each record's scoring moment - and arrive as ``Examples.rule_score``.
Their ranking (AUC) is used as is; for the Brier score and the reliability curve the points
are mapped to a probability by a one-variable logistic fit on the training outcomes, which
changes no ranking. Without rules every record gets the training base rate (AUC 0.5).
"""

from __future__ import annotations

from typing import Self

import numpy as np

from l2o.analytics.models._base import ScoringModel, known_outcomes
from l2o.analytics.models._compiled import CompiledScorer
from l2o.analytics.models._errors import ModelError
from l2o.analytics.models._features import Examples, FloatArray

__all__ = ["RuleBaseline"]


class RuleBaseline(ScoringModel):
    """The rule score, mapped to a probability by a logistic fit on the training outcomes."""

    name = "rules"

    def fit(self, examples: Examples) -> Self:
        """Learn the points-to-probability map (slope and intercept) from known outcomes."""
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        known = known_outcomes(examples, self.name)
        scores = known.rule_score
        has = ~np.isnan(scores)
        y = known.y
        base = float(y.mean())
        self.rule_how_ = known.rule_how
        self.fill_ = float(np.nanmean(scores)) if has.any() else 0.0
        self.slope_, self.intercept_ = 0.0, float(np.log(base / (1 - base)))
        usable = has.any() and np.nanstd(scores) > 0
        if usable:
            x = np.where(has, scores, self.fill_).reshape(-1, 1)
            fitted = LogisticRegression(C=1e6, max_iter=1000).fit(x, y)
            self.slope_ = float(fitted.coef_[0, 0])
            self.intercept_ = float(fitted.intercept_[0])
        self.constant_ = not usable
        self.n_outcomes_ = known.counts()
        return self

    def predict_proba(self, examples: Examples) -> FloatArray:
        """The mapped rule score (a blank score counts as the training average)."""
        self._check_fitted()
        x = np.where(np.isnan(examples.rule_score), self.fill_, examples.rule_score)
        z = self.slope_ * x + self.intercept_
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def compile(self) -> CompiledScorer:
        """Rules are not compiled here: the engine scores them from the spec itself."""
        raise ModelError("rules: the engine scores the spec's rules itself; nothing to compile")

    @property
    def how(self) -> str:
        """Which rule gave the points, and how they were mapped."""
        self._check_fitted()
        if self.constant_:
            return f"{self.rule_how_}: every record scores the same, so the base rate"
        return f"{self.rule_how_}, mapped to a probability by a logistic fit on training outcomes"
