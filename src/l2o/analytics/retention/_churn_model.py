"""Churn risk and time to churn: a Cox proportional-hazards model (lifelines)."""

from __future__ import annotations

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from lifelines import CoxPHFitter  # type: ignore[import-untyped]
from lifelines.utils import concordance_index  # type: ignore[import-untyped]

from l2o.analytics.retention._customers import CustomerHistory, FloatArray
from l2o.analytics.retention._design import Design
from l2o.analytics.retention._errors import RetentionError

__all__ = ["ChurnModel"]


class ChurnModel:
    """Each customer's hazard of churning is a baseline (how churn depends on tenure) times
    ``exp(features . coefficients)``; fitted by partial likelihood with a small ridge
    ``penalizer`` so rare categories do not run off.

    ``fit`` returns the model; learned state ends in ``_``: ``cox_`` (the lifelines fitter),
    ``design_`` (the encoding), ``concordance_`` (in-sample), ``hazard_ratios_`` (per feature
    column, largest effect first). Scoring asks about customers *still with the company*:
    their chance of churning within a horizon, their renewal probability, and the median
    time they have left, each given the tenure they have already reached.

    >>> model = ChurnModel().fit(history)                        # doctest: +SKIP
    >>> model.churn_probability(history, horizon=90.0)           # doctest: +SKIP
    """

    def __init__(self, penalizer: float = 0.01, min_churned: int = 10) -> None:
        self.penalizer = penalizer
        self.min_churned = min_churned

    def fit(self, history: CustomerHistory) -> ChurnModel:
        """Fit on every customer in ``history`` (churned ones as events, the rest censored)."""
        churned = int(history.churned.sum())
        if churned < self.min_churned:
            raise RetentionError(
                f"{history.source}: {churned} churned customers (needs {self.min_churned} "
                "to fit a churn model)"
            )
        if history.features.shape[1] == 0:
            raise RetentionError(f"{history.source}: no customer features to model churn on")
        self.design_ = Design().fit(history.features)
        frame = self.design_.transform(history.features)
        frame["_duration"] = np.maximum(history.duration, 1e-6)
        frame["_churned"] = history.churned.astype(int)
        self.cox_ = CoxPHFitter(penalizer=self.penalizer).fit(
            frame, duration_col="_duration", event_col="_churned"
        )
        self.concordance_ = float(self.cox_.concordance_index_)
        ratios = np.exp(self.cox_.params_)
        self.hazard_ratios_ = {
            str(k): float(v) for k, v in sorted(ratios.items(), key=lambda kv: -abs(np.log(kv[1])))
        }
        self.n_customers_ = history.size
        self.n_churned_ = churned
        self.unit_ = history.unit
        return self

    def risk(self, history: CustomerHistory) -> FloatArray:
        """Relative hazard per customer (1 = the average customer)."""
        return np.asarray(self.cox_.predict_partial_hazard(self._x(history)), dtype=np.float64)

    def concordance(self, history: CustomerHistory) -> float:
        """Harrell's C on ``history``: the share of comparable pairs the model orders right
        (the customer who churned first had the higher risk). 0.5 is chance, 1 perfect."""
        if not history.churned.any():
            raise RetentionError(f"{history.source}: no churned customer to compare with")
        try:
            return float(concordance_index(history.duration, -self.risk(history), history.churned))
        except ZeroDivisionError as exc:
            raise RetentionError(f"{history.source}: no comparable pair of customers") from exc

    def churn_probability(self, history: CustomerHistory, horizon: float) -> FloatArray:
        """P(churn within ``horizon`` | still a customer at the tenure reached)."""
        return 1.0 - self._survive(history, history.duration, history.duration + horizon)

    def renewal_probability(self, history: CustomerHistory, grace: float = 30.0) -> FloatArray:
        """P(still a customer ``grace`` after the current term ends): the chance of renewing.
        NaN for customers without a known term end."""
        if history.days_to_renewal is None:
            return np.full(history.size, np.nan)
        ahead = np.nan_to_num(history.days_to_renewal, nan=0.0) + grace
        survive = self._survive(history, history.duration, history.duration + ahead)
        return np.where(np.isnan(history.days_to_renewal), np.nan, survive)

    def time_to_churn(self, history: CustomerHistory) -> FloatArray:
        """Median remaining time before churn, given the tenure reached; ``inf`` where the
        curve never falls to half within the tenures seen."""
        x = self._x(history)
        times = self.cox_.baseline_survival_.index.to_numpy(dtype=float)
        grid = np.asarray(self.cox_.predict_survival_function(x, times=times), dtype=float)
        now = self._at(grid, times, history.duration)
        out = np.full(history.size, np.inf)
        for i in range(history.size):
            below = np.flatnonzero((times > history.duration[i]) & (grid[:, i] <= 0.5 * now[i]))
            if below.size:
                out[i] = times[below[0]] - history.duration[i]
        return out

    def _survive(self, history: CustomerHistory, start: FloatArray, end: FloatArray) -> FloatArray:
        """S(end) / S(start) per customer."""
        x = self._x(history)
        times = self.cox_.baseline_survival_.index.to_numpy(dtype=float)
        grid = np.asarray(self.cox_.predict_survival_function(x, times=times), dtype=float)
        s0, s1 = self._at(grid, times, start), self._at(grid, times, end)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(s0 > 0, s1 / s0, 0.0)

    @staticmethod
    def _at(grid: np.ndarray, times: FloatArray, when: FloatArray) -> FloatArray:
        """Each customer's survival (a column of ``grid``) at its own ``when``."""
        row = np.searchsorted(times, when, side="right") - 1
        padded = np.vstack([np.ones((1, grid.shape[1])), grid])
        return np.asarray(padded[row + 1, np.arange(grid.shape[1])], dtype=np.float64)

    def _x(self, history: CustomerHistory) -> pd.DataFrame:
        if not hasattr(self, "cox_"):
            raise RetentionError("ChurnModel: call fit() before scoring customers")
        return self.design_.transform(history.features)
