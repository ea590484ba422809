"""What every scoring model shares: the estimator API and reading examples as levels."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Self

import numpy as np

from l2o.analytics.models._compiled import CompiledScorer
from l2o.analytics.models._errors import ModelError
from l2o.analytics.models._features import Examples, FloatArray, IntArray
from l2o.analytics.models._levels import FeatureLevels, learn_levels

__all__ = ["ScoringModel", "feature_codes", "fit_levels", "known_outcomes"]


class ScoringModel(ABC):
    """A model of one task's outcome: ``fit(examples)`` learns from the examples whose outcome
    is known and returns the model (learned state ends in ``_``); ``predict_proba`` gives each
    example's probability of the outcome; ``compile`` the lookup-table form for the engine.
    """

    name: str = "model"

    @abstractmethod
    def fit(self, examples: Examples) -> Self:
        """Learn from the examples with a known outcome."""

    @abstractmethod
    def predict_proba(self, examples: Examples) -> FloatArray:
        """The probability of the outcome for every example."""

    @abstractmethod
    def compile(self) -> CompiledScorer:
        """The model as a :class:`CompiledScorer` (raises :class:`ModelError` if it has none)."""

    @property
    @abstractmethod
    def how(self) -> str:
        """One line: what the model is and what it learned from."""

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_outcomes_"):
            raise ModelError(f"{self.name}: call fit() first")


def known_outcomes(examples: Examples, model: str) -> Examples:
    """The examples with a known outcome; :class:`ModelError` unless both kinds are present."""
    known = examples.subset(examples.labelled)
    positives, negatives = known.counts()
    if positives == 0 or negatives == 0:
        raise ModelError(
            f"{model} ({examples.task.name}): needs positive and negative outcomes to learn "
            f"from, has {positives} positive and {negatives} negative"
        )
    return known


def fit_levels(
    examples: Examples, names: Sequence[str] | None, *, min_count: int, n_bins: int
) -> tuple[FeatureLevels, ...]:
    """Levels for ``names`` (default: every feature column) learned on ``examples``."""
    chosen = examples.task.select(names if names is not None else examples.feature_names)
    for name in chosen:
        if name not in examples.columns:
            raise ModelError(f"{examples.task.name}: the examples have no column {name}")
    return tuple(
        learn_levels(name, rule.kind, examples.columns[name], min_count=min_count, n_bins=n_bins)
        for name, rule in chosen.items()
    )


def feature_codes(levels: Sequence[FeatureLevels], examples: Examples) -> IntArray:
    """The level of every example's value of every feature, shape ``(n, features)``."""
    if not levels:
        return np.zeros((len(examples), 0), dtype=np.int64)
    return np.column_stack([lv.codes(examples.columns[lv.name]) for lv in levels]).astype(np.int64)
