"""The compiled form of a model: lookup tables and a calibration map, no scikit-learn.

A compiled scorer adds, for each feature, the weight of the level the record's value falls
in (see :mod:`._levels`) to an intercept - the model's log-odds - then maps it to a
probability through its calibration: ``logistic`` (``1 / (1 + exp(-(a * z + b)))``, Platt's
form), ``isotonic`` (linear interpolation between thresholds, clipped at the ends) or
``identity`` (``1 / (1 + exp(-z))``). That is everything a logistic model on one-hot levels
and a naive-Bayes frequency model need, so both compile to it; scoring one lead is a handful
of dictionary look-ups, and :meth:`CompiledScorer.explain` names the levels that moved it.

    scorer = CompiledScorer.from_json(json.loads(path.read_text()))
    scorer.score({"channel": "referrals", "account_employees": 450})   # 0.41
    scorer.explain({"channel": "referrals", "account_employees": 450})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from l2o.analytics.models._errors import ModelError
from l2o.analytics.models._features import FloatArray
from l2o.analytics.models._levels import FeatureLevels

__all__ = ["Calibration", "CompiledFeature", "CompiledScorer", "Contribution"]

FORMAT = "l2o.compiled-scorer/1"


@dataclass(frozen=True)
class Calibration:
    """How log-odds become a probability: ``identity``, ``logistic`` (a, b) or ``isotonic``."""

    kind: Literal["identity", "logistic", "isotonic"] = "identity"
    a: float = -1.0
    b: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def apply(self, z: FloatArray) -> FloatArray:
        """Probabilities for log-odds ``z``."""
        if self.kind == "isotonic":
            clipped = np.clip(z, self.x[0], self.x[-1])
            return np.asarray(np.interp(clipped, self.x, self.y), dtype=np.float64)
        if self.kind == "logistic":
            # sklearn's Platt scaling: expit(-(a * z + b)), fitted a is negative.
            return _expit(-(self.a * z + self.b))
        return _expit(z)

    def to_json(self) -> dict[str, Any]:
        """The map as plain JSON."""
        return {"kind": self.kind, "a": self.a, "b": self.b, "x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        """A map saved by :meth:`to_json`."""
        kind = data.get("kind", "identity")
        if kind not in ("identity", "logistic", "isotonic"):
            raise ModelError(f"compiled scorer: unknown calibration kind {kind!r}")
        x = tuple(float(v) for v in data.get("x", ()))
        y = tuple(float(v) for v in data.get("y", ()))
        if kind == "isotonic" and (len(x) != len(y) or not x):
            raise ModelError("compiled scorer: an isotonic calibration needs equal, non-empty x, y")
        return cls(kind, float(data.get("a", -1.0)), float(data.get("b", 0.0)), x, y)


def _expit(z: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


@dataclass(frozen=True)
class CompiledFeature:
    """One feature's levels and the log-odds weight of each; ``baseline`` is the average
    weight over the training records (what a contribution is measured against)."""

    levels: FeatureLevels
    weights: tuple[float, ...]
    baseline: float

    def __post_init__(self) -> None:
        if len(self.weights) != self.levels.size:
            raise ModelError(
                f"compiled scorer: feature {self.levels.name} has {self.levels.size} levels "
                f"but {len(self.weights)} weights"
            )


@dataclass(frozen=True)
class Contribution:
    """How much one feature's value moved a record's log-odds from the training average."""

    feature: str
    level: str
    effect: float

    def __str__(self) -> str:
        return f"{self.feature} {self.level} {self.effect:+.2f}"


@dataclass(frozen=True)
class CompiledScorer:
    """A trained model as lookup tables: ``score`` a record (a mapping of feature values)."""

    task: str
    model: str
    intercept: float
    features: tuple[CompiledFeature, ...]
    calibration: Calibration = Calibration()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The features the scorer reads, in order."""
        return tuple(f.levels.name for f in self.features)

    def log_odds(self, record: Mapping[str, Any]) -> float:
        """The model's log-odds for one record (before calibration)."""
        total = self.intercept
        for feature in self.features:
            total += feature.weights[feature.levels.code(record.get(feature.levels.name))]
        return total

    def score(self, record: Mapping[str, Any]) -> float:
        """The calibrated probability of the outcome for one record."""
        return float(self.calibration.apply(np.array([self.log_odds(record)]))[0])

    def score_many(self, columns: Mapping[str, np.ndarray]) -> FloatArray:
        """Probabilities for records given as columns (a missing column is all blank)."""
        n = len(next(iter(columns.values()))) if columns else 0
        z = np.full(n, self.intercept, dtype=np.float64)
        for feature in self.features:
            column = columns.get(feature.levels.name)
            codes = feature.levels.codes(column if column is not None else [None] * n)
            z += np.asarray(feature.weights, dtype=np.float64)[codes]
        return self.calibration.apply(z)

    def explain(self, record: Mapping[str, Any], top: int = 3) -> tuple[Contribution, ...]:
        """The ``top`` features that moved this record most from the training average, with
        the log-odds each added (positive raises the probability)."""
        found = []
        for feature in self.features:
            code = feature.levels.code(record.get(feature.levels.name))
            effect = feature.weights[code] - feature.baseline
            found.append(Contribution(feature.levels.name, feature.levels.labels[code], effect))
        found.sort(key=lambda c: -abs(c.effect))
        return tuple(c for c in found[:top] if abs(c.effect) > 1e-9)

    def to_json(self) -> dict[str, Any]:
        """The scorer as plain JSON (the file the engine loads)."""
        return {
            "format": FORMAT,
            "task": self.task,
            "model": self.model,
            "intercept": self.intercept,
            "features": [
                {"levels": f.levels.to_json(), "weights": list(f.weights), "baseline": f.baseline}
                for f in self.features
            ],
            "calibration": self.calibration.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CompiledScorer:
        """A scorer saved by :meth:`to_json`; :class:`ModelError` if it is not one."""
        if data.get("format") != FORMAT:
            raise ModelError(
                f"compiled scorer: expected format {FORMAT}, got {data.get('format')!r}"
            )
        try:
            return cls(
                task=str(data["task"]),
                model=str(data["model"]),
                intercept=float(data["intercept"]),
                features=tuple(
                    CompiledFeature(
                        FeatureLevels.from_json(f["levels"]),
                        tuple(float(w) for w in f["weights"]),
                        float(f["baseline"]),
                    )
                    for f in data["features"]
                ),
                calibration=Calibration.from_json(data.get("calibration", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"compiled scorer: malformed ({exc})") from exc
