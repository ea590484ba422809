"""Rules vs naive Bayes vs learned, on the same time-ordered hold-out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from l2o.analytics.models._base import ScoringModel
from l2o.analytics.models._features import Examples
from l2o.analytics.models._learned import CalibratedLogit
from l2o.analytics.models._metrics import (
    DriftCheck,
    ModelReport,
    model_report,
    population_stability_index,
)
from l2o.analytics.models._naive_bayes import FrequencyNaiveBayes
from l2o.analytics.models._rules import RuleBaseline
from l2o.analytics.models._split import TimeSplit, time_ordered_split

__all__ = ["Evaluation", "drift_check", "evaluate_models"]


@dataclass(frozen=True)
class Evaluation:
    """Each model's AUC, Brier score and reliability on the hold-out, and the learned score's
    drift from its training records to the hold-out."""

    task: str
    split: TimeSplit
    train_outcomes: tuple[int, int]
    reports: tuple[ModelReport, ...]
    drift: DriftCheck
    features: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    def report(self, model: str) -> ModelReport:
        """The report of the model named ``model`` (``rules``, ``naive_bayes``, ``learned``)."""
        return next(r for r in self.reports if r.model == model)

    def to_json(self) -> dict[str, Any]:
        """The evaluation as plain JSON."""
        return {
            "task": self.task,
            "split": {
                "cutoff": str(np.datetime64(int(self.split.cutoff), "D")),
                "train": int(self.split.train.size),
                "test": int(self.split.test.size),
                "left_out": self.split.left_out,
                "how": self.split.describe(),
            },
            "train_outcomes": {
                "positive": self.train_outcomes[0],
                "negative": self.train_outcomes[1],
            },
            "models": {r.model: r.to_json() for r in self.reports},
            "drift": self.drift.to_json(),
            "features": list(self.features),
            "notes": list(self.notes),
        }


def evaluate_models(
    examples: Examples,
    *,
    test_share: float = 0.25,
    learned: CalibratedLogit | None = None,
    naive_bayes: FrequencyNaiveBayes | None = None,
) -> Evaluation:
    """Fit the rules' map, naive Bayes and the learned model on the outcomes known by the
    cutoff; score all three on the records scored after it."""
    split = time_ordered_split(examples, test_share)
    train, test = examples.subset(split.train), examples.subset(split.test)
    models: list[ScoringModel] = [
        RuleBaseline(),
        naive_bayes or FrequencyNaiveBayes(),
        learned or CalibratedLogit(),
    ]
    reports = []
    for model in models:
        model.fit(train)
        reports.append(model_report(model.name, test.y, model.predict_proba(test), model.how))
    final = models[-1]
    return Evaluation(
        task=examples.task.name,
        split=split,
        train_outcomes=train.counts(),
        reports=tuple(reports),
        drift=drift_check(final, train, test, "learned score, training vs hold-out"),
        features=examples.feature_names,
        notes=examples.notes,
    )


def drift_check(
    model: ScoringModel, reference: Examples, recent: Examples, what: str = "score"
) -> DriftCheck:
    """PSI of ``model``'s score on ``recent`` records against ``reference`` records."""
    ref = model.predict_proba(reference) if len(reference) else np.zeros(0)
    new = model.predict_proba(recent) if len(recent) else np.zeros(0)
    return population_stability_index(ref, new, what=what)
