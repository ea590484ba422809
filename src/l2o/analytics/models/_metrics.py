"""How good a score is: AUC, Brier score and the reliability curve; drift by the PSI.

AUC is the probability that a random positive outcome scores above a random negative one
(ties count half), computed from average ranks (the Mann-Whitney statistic). The Brier score
is the mean squared gap between probability and outcome (lower is better; always predicting
the base rate ``r`` scores ``r (1 - r)``). The reliability curve cuts ``[0, 1]`` into equal
bins and sets the mean probability in each against the share that happened: a calibrated
model sits on the diagonal. The population stability index compares the distribution of
scores on recent records with the training records' (bins at the training deciles):
below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 shifted - retrain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from l2o.analytics.models._features import FloatArray

__all__ = [
    "DriftCheck",
    "ModelReport",
    "ReliabilityBin",
    "brier_score",
    "model_report",
    "population_stability_index",
    "reliability_curve",
    "roc_auc",
]

PSI_STABLE = 0.1
PSI_SHIFTED = 0.25


def roc_auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """Area under the ROC curve; ``None`` when only one kind of outcome is present.

    >>> roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(y, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return None
    # Average ranks (ties share the mean of their ranks): the Mann-Whitney U statistic.
    _, group, size = np.unique(
        np.asarray(p, dtype=np.float64), return_inverse=True, return_counts=True
    )
    ranks = (np.cumsum(size) - (size - 1) / 2.0)[group]
    u = ranks[y].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def brier_score(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared difference between probability and outcome (0 is perfect)."""
    return float(np.mean((np.asarray(p, dtype=np.float64) - np.asarray(y, dtype=np.float64)) ** 2))


@dataclass(frozen=True)
class ReliabilityBin:
    """One bin of the reliability curve: records scored in ``[lower, upper)``."""

    lower: float
    upper: float
    n: int
    mean_predicted: float | None
    observed_rate: float | None


def reliability_curve(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> tuple[ReliabilityBin, ...]:
    """Mean probability and observed rate in ``n_bins`` equal-width bins of ``[0, 1]``."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    which = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    bins = []
    for b in range(n_bins):
        mask = which == b
        n = int(mask.sum())
        bins.append(
            ReliabilityBin(
                lower=b / n_bins,
                upper=(b + 1) / n_bins,
                n=n,
                mean_predicted=float(p[mask].mean()) if n else None,
                observed_rate=float(y[mask].mean()) if n else None,
            )
        )
    return tuple(bins)


@dataclass(frozen=True)
class ModelReport:
    """A model's score on a hold-out: AUC, Brier score, reliability, and how it was made."""

    model: str
    n: int
    positives: int
    base_rate: float
    auc: float | None
    brier: float
    reliability: tuple[ReliabilityBin, ...]
    how: str

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON."""
        return asdict(self)


def model_report(model: str, y: np.ndarray, p: np.ndarray, how: str) -> ModelReport:
    """Score probabilities ``p`` against outcomes ``y``."""
    y = np.asarray(y, dtype=np.int64)
    return ModelReport(
        model=model,
        n=int(y.size),
        positives=int(y.sum()),
        base_rate=float(y.mean()) if y.size else 0.0,
        auc=roc_auc(y, p),
        brier=brier_score(y, p),
        reliability=reliability_curve(y, p),
        how=how,
    )


@dataclass(frozen=True)
class DriftCheck:
    """Population stability of the score: training records vs recent ones."""

    psi: float | None
    status: str
    n_reference: int
    n_recent: int
    how: str

    def to_json(self) -> dict[str, Any]:
        """The check as plain JSON."""
        return asdict(self)


def population_stability_index(
    reference: FloatArray, recent: FloatArray, n_bins: int = 10, *, what: str = "score"
) -> DriftCheck:
    """PSI of ``recent`` scores against ``reference`` ones, bins at the reference quantiles.

    Each bin's share is floored at 0.0001 so an empty bin does not make the index infinite.
    """
    reference = np.asarray(reference, dtype=np.float64)
    recent = np.asarray(recent, dtype=np.float64)
    how = (
        f"PSI of the {what} over {n_bins} bins at the reference deciles "
        f"(< {PSI_STABLE} stable, > {PSI_SHIFTED} shifted)"
    )
    if reference.size == 0 or recent.size == 0:
        return DriftCheck(None, "not measured: no recent records", reference.size, recent.size, how)
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, n_bins + 1)[1:-1]))
    expected = np.bincount(np.searchsorted(edges, reference, "right"), minlength=edges.size + 1)
    actual = np.bincount(np.searchsorted(edges, recent, "right"), minlength=edges.size + 1)
    e = np.maximum(expected / reference.size, 1e-4)
    a = np.maximum(actual / recent.size, 1e-4)
    psi = float(np.sum((a - e) * np.log(a / e)))
    if psi < PSI_STABLE:
        status = "stable"
    elif psi < PSI_SHIFTED:
        status = "moderate shift"
    else:
        status = "shifted: retrain"
    return DriftCheck(psi, status, int(reference.size), int(recent.size), how)
