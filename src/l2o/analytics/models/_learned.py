"""The learned model: a logistic regression on one-hot feature levels, calibrated in time.

The scikit-learn pipeline is :func:`one_hot` (each feature's value to its learned level,
one-hot) then ``LogisticRegression``. Calibration is time-ordered: the regression learns from the
earlier ``1 - calibration_share`` of the training outcomes and is frozen; a
``CalibratedClassifierCV`` (Platt's ``sigmoid`` or ``isotonic``) then maps its scores to
probabilities on the later outcomes - the ones most like the records it will score.

Because the inputs are one-hot levels, the model *is* a lookup table: a weight per level plus
an intercept, then the calibration map. :meth:`CalibratedLogit.compile` writes exactly that
(:class:`CompiledScorer`); its probabilities equal the pipeline's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, Literal, Self

import numpy as np
import numpy.typing as npt

from l2o.analytics.models._base import ScoringModel, fit_levels, known_outcomes
from l2o.analytics.models._compiled import (
    Calibration,
    CompiledFeature,
    CompiledScorer,
    Contribution,
)
from l2o.analytics.models._errors import ModelError
from l2o.analytics.models._features import Examples, FloatArray
from l2o.analytics.models._levels import FeatureLevels
from l2o.analytics.models._metrics import roc_auc
from l2o.analytics.models._split import time_ordered_split

__all__ = ["CalibratedLogit", "one_hot"]


def one_hot(levels: Sequence[FeatureLevels], values: np.ndarray) -> npt.NDArray[np.float64]:
    """Raw values (one column per feature) as the one-hot matrix of their levels: the first
    step of the pipeline."""
    width = sum(lv.size for lv in levels)
    out = np.zeros((values.shape[0], width), dtype=np.float64)
    offset = 0
    rows = np.arange(values.shape[0])
    for j, lv in enumerate(levels):
        out[rows, offset + lv.codes(values[:, j])] = 1.0
        offset += lv.size
    return out


def _raw(examples: Examples, names: Sequence[str]) -> np.ndarray:
    table = np.empty((len(examples), len(names)), dtype=object)
    for j, name in enumerate(names):
        table[:, j] = examples.columns[name]
    return table


class CalibratedLogit(ScoringModel):
    """Logistic regression on feature levels, calibrated on the latest training outcomes.

    ``C`` is the inverse L2 strength, or a tuple of candidates: each is fitted on the earlier
    outcomes and the one whose scores rank the later outcomes best (AUC) is kept.
    ``calibration`` is ``"sigmoid"`` (Platt) or ``"isotonic"``; ``calibration_share`` the
    later share of training outcomes kept for choosing ``C`` and calibrating.
    """

    name = "learned"

    def __init__(
        self,
        features: Sequence[str] | None = None,
        *,
        C: float | tuple[float, ...] = (0.01, 0.1, 1.0),  # noqa: N803 - scikit-learn's name
        calibration: Literal["sigmoid", "isotonic"] = "sigmoid",
        calibration_share: float = 0.3,
        min_count: int = 20,
        n_bins: int = 5,
    ) -> None:
        self.features = features
        self.C = C
        self.calibration = calibration
        self.calibration_share = calibration_share
        self.min_count = min_count
        self.n_bins = n_bins

    def fit(self, examples: Examples) -> Self:
        """Fit the regression on the earlier outcomes, the calibration on the later ones."""
        from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
        from sklearn.frozen import FrozenEstimator  # type: ignore[import-untyped]
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
        from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]
        from sklearn.preprocessing import FunctionTransformer  # type: ignore[import-untyped]

        known = known_outcomes(examples, self.name)
        split = time_ordered_split(known, self.calibration_share)
        early, late = known.subset(split.train), known.subset(split.test)
        for part, label in ((early, "fitting"), (late, "calibration")):
            if len(set(part.y.tolist())) < 2:
                raise ModelError(
                    f"{self.name} ({known.task.name}): the {label} outcomes are all of one kind"
                )
        levels = fit_levels(early, self.features, min_count=self.min_count, n_bins=self.n_bins)
        names = [lv.name for lv in levels]
        self.task_ = known.task.name
        self.levels_ = levels
        candidates = self.C if isinstance(self.C, tuple) else (self.C,)
        best: tuple[float, float, Any] | None = None
        for c in candidates:
            pipeline = Pipeline(
                [
                    ("levels", FunctionTransformer(partial(one_hot, levels))),
                    ("logit", LogisticRegression(C=c, max_iter=2000)),
                ]
            ).fit(_raw(early, names), early.y)
            auc = roc_auc(late.y, pipeline.decision_function(_raw(late, names))) or 0.5
            if best is None or auc > best[0]:
                best = (auc, c, pipeline)
        assert best is not None
        self.C_, self.pipeline_ = best[1], best[2]
        self.calibrated_ = CalibratedClassifierCV(
            FrozenEstimator(self.pipeline_), method=self.calibration
        ).fit(_raw(late, names), late.y)
        self.split_ = split
        logit = self.pipeline_.named_steps["logit"]
        self.coef_ = np.asarray(logit.coef_[0], dtype=np.float64)
        self.intercept_ = float(logit.intercept_[0])
        train_hot = one_hot(levels, _raw(early, names))
        self.baselines_ = self._split_weights(train_hot.mean(axis=0) * self.coef_)
        self.n_outcomes_ = known.counts()
        return self

    def predict_proba(self, examples: Examples) -> FloatArray:
        """The calibrated probability of the outcome, from the scikit-learn pipeline."""
        self._check_fitted()
        table = _raw(examples, [lv.name for lv in self.levels_])
        return np.asarray(self.calibrated_.predict_proba(table)[:, 1], dtype=np.float64)

    def explain(self, examples: Examples, top: int = 3) -> list[tuple[Contribution, ...]]:
        """Per example, the ``top`` features that moved its log-odds most from the average."""
        scorer = self.compile()
        names = [lv.name for lv in self.levels_]
        return [
            scorer.explain({n: examples.columns[n][i] for n in names}, top)
            for i in range(len(examples))
        ]

    def compile(self) -> CompiledScorer:
        """Weights per level, the intercept, and the calibration map: no scikit-learn needed."""
        self._check_fitted()
        weights = self._split_weights(self.coef_)
        calibrator: Any = self.calibrated_.calibrated_classifiers_[0].calibrators[0]
        if self.calibration == "isotonic":
            calibration = Calibration(
                "isotonic",
                x=tuple(float(v) for v in calibrator.X_thresholds_),
                y=tuple(float(v) for v in calibrator.y_thresholds_),
            )
        else:
            calibration = Calibration("logistic", a=float(calibrator.a_), b=float(calibrator.b_))
        return CompiledScorer(
            task=self.task_,
            model=self.name,
            intercept=self.intercept_,
            features=tuple(
                CompiledFeature(lv, tuple(float(x) for x in w), float(base.sum()))
                for lv, w, base in zip(self.levels_, weights, self.baselines_, strict=True)
            ),
            calibration=calibration,
        )

    @property
    def how(self) -> str:
        """What the model is and how many outcomes it learned from."""
        self._check_fitted()
        positives, negatives = self.n_outcomes_
        return (
            f"logistic regression (C={self.C_:g}) on {len(self.levels_)} features as one-hot "
            f"levels, {self.calibration} calibration on the latest {self.split_.test.size} of "
            f"{positives + negatives} training outcomes ({positives} positive)"
        )

    def _split_weights(self, flat: FloatArray) -> list[FloatArray]:
        out, offset = [], 0
        for lv in self.levels_:
            out.append(flat[offset : offset + lv.size])
            offset += lv.size
        return out
