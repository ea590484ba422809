"""How long customers stay: the Kaplan-Meier retention curve (lifelines)."""

from __future__ import annotations

import numpy as np
from lifelines import KaplanMeierFitter  # type: ignore[import-untyped]

from l2o.analytics.retention._customers import CustomerHistory
from l2o.analytics.retention._errors import RetentionError

__all__ = ["RetentionCurve"]


class RetentionCurve:
    """Share of customers still with the company after each duration, customers who have not
    churned yet counted as censored (not as retained forever, not left out).

    >>> curve = RetentionCurve().fit(history)      # doctest: +SKIP
    >>> curve.retained_at([365.0]), curve.median_  # doctest: +SKIP
    """

    def fit(self, history: CustomerHistory) -> RetentionCurve:
        """Estimate the curve from ``history``; returns the curve."""
        if history.size == 0:
            raise RetentionError(f"{history.source}: no customers to build a retention curve")
        self.km_ = KaplanMeierFitter().fit(history.duration, history.churned)
        median = float(self.km_.median_survival_time_)
        self.median_ = median if np.isfinite(median) else None  # None: half never churned
        self.n_customers_ = history.size
        self.n_churned_ = int(history.churned.sum())
        self.unit_ = history.unit
        return self

    def retained_at(self, durations: list[float] | np.ndarray) -> np.ndarray:
        """Share still a customer at each of ``durations``."""
        if not hasattr(self, "km_"):
            raise RetentionError("RetentionCurve: call fit() first")
        values = self.km_.survival_function_at_times(np.asarray(durations, dtype=float))
        return np.asarray(values, dtype=np.float64)
