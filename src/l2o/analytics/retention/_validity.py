"""Is a churn signal worth trusting? Concordance on customers the model never saw, and
whether the CRM's health score predicts churn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from lifelines.utils import concordance_index  # type: ignore[import-untyped]
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

from l2o.analytics.retention._churn_model import ChurnModel
from l2o.analytics.retention._customers import CustomerHistory
from l2o.analytics.retention._errors import RetentionError

__all__ = ["HealthValidity", "HoldOut", "health_validity", "holdout_concordance"]


@dataclass(frozen=True)
class HoldOut:
    """Concordance of a model fitted on ``train`` customers, scored on the ``test`` ones
    (None when the test customers include no churn to compare)."""

    concordance: float | None
    in_sample: float
    train: int
    test: int
    test_churned: int


def holdout_concordance(
    history: CustomerHistory,
    make: Callable[[], ChurnModel] = ChurnModel,
    *,
    test_share: float = 0.3,
    seed: int = 0,
) -> HoldOut:
    """Fit on a random ``1 - test_share`` of customers, measure Harrell's C on the rest.
    Landmark rows of one customer (``ACCOUNT@DAY``) stay on the same side."""
    rng = np.random.default_rng(seed)
    names, group = np.unique(_customer(history.ids), return_inverse=True)
    test = (rng.random(names.size) < test_share)[group]
    model = make().fit(history.subset(~test))
    held = history.subset(test)
    try:
        concordance: float | None = model.concordance(held)
    except RetentionError:
        concordance = None
    return HoldOut(
        concordance,
        model.concordance_,
        int((~test).sum()),
        int(test.sum()),
        int(held.churned.sum()),
    )


@dataclass(frozen=True)
class HealthValidity:
    """How well the health score separates customers who churned from those who did not.

    ``auc``: the chance a churned customer has a lower health score than a retained one
    (0.5: the score says nothing; ties count half). ``concordance``: Harrell's C of the score
    against time to churn (higher health, longer stay). ``coverage``: share of customers
    with a score. None when the scored customers include no churn or no retained customer.
    """

    auc: float | None
    concordance: float | None
    scored: int
    churned: int
    coverage: float

    @property
    def predictive(self) -> bool:
        """The score beats a coin clearly (AUC of 0.6 or more)."""
        return self.auc is not None and self.auc >= 0.6


def health_validity(history: CustomerHistory) -> HealthValidity:
    """Score the CRM's health score against churn for the customers that have one (one row
    per customer: of landmark rows, the earliest, followed longest)."""
    if history.health is None or history.size == 0:
        return HealthValidity(None, None, 0, 0, 0.0)
    _, first = np.unique(_customer(history.ids), return_index=True)
    history = history.subset(np.isin(np.arange(history.size), first))
    assert history.health is not None
    has = ~np.isnan(history.health)
    health, churned = history.health[has], history.churned[has]
    coverage = float(has.mean())
    if churned.all() or not churned.any():
        return HealthValidity(None, None, int(has.sum()), int(churned.sum()), coverage)
    auc = float(roc_auc_score(churned, -health))
    c = float(concordance_index(history.duration[has], health, churned))
    return HealthValidity(auc, c, int(has.sum()), int(churned.sum()), coverage)


def _customer(ids: np.ndarray) -> np.ndarray:
    """The customer part of a landmark row id (``ACCOUNT@DAY`` -> ``ACCOUNT``)."""
    return np.array([str(i).split("@", 1)[0] for i in ids], dtype=object)
