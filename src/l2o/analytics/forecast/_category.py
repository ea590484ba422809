"""Forecast categories roll-up: closed, commit, best case and pipeline sums."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from l2o.analytics.forecast._base import Forecast, ForecastMethod
from l2o.analytics.forecast._deals import DealHistory, Snapshot
from l2o.analytics.forecast._errors import InsufficientEvidence
from l2o.analytics.forecast._periods import Period

__all__ = ["CategoryRollup"]

_LEVELS = ("commit", "best_case", "pipeline")


class CategoryRollup(ForecastMethod):
    """The sales call: booked + commit as the forecast, with best case (booked + commit +
    best case) and pipeline (all open) beside it in ``extra``. A deal's category is its
    stage's, from the spec or given (``categories``: stage → category), else as the CRM
    recorded it.
    """

    name = "category_rollup"

    def __init__(self, categories: Mapping[str, str] | None = None) -> None:
        self.categories = categories

    def _learn(self, history: DealHistory, snapshot: Snapshot) -> None:
        given = self.categories if self.categories is not None else history.categories
        if not history.has_stage_history or not given:
            raise InsufficientEvidence(
                f"{self.name}: needs each deal's stage on the as-of day and the stages' "
                "forecast categories"
            )
        level = {name: i for i, name in enumerate(_LEVELS)}
        table = np.array([level.get(given.get(s, ""), -1) for s in snapshot.stages] + [-1])
        self.level_ = table[snapshot.stage]

    def predict(self, period: Period) -> Forecast:
        """Booked + commit, with ``extra`` holding the best-case and pipeline totals."""
        in_period = self._in_period(period)
        amount = np.nan_to_num(self.snapshot_.amount)
        sums = {
            name: float(amount[in_period & (self.level_ == i)].sum())
            for i, name in enumerate(_LEVELS)
        }
        keep = in_period & (self.level_ == 0)
        counts = {
            name: int((in_period & (self.level_ == i)).sum()) for i, name in enumerate(_LEVELS)
        }
        forecast = self._forecast(
            period,
            self.snapshot_.deal[keep],
            amount[keep],
            "booked + commit deals expected to close by period end "
            + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())
            + " deals",
        )
        booked = forecast.booked
        forecast.extra.update(
            commit=booked + sums["commit"],
            best_case=booked + sums["commit"] + sums["best_case"],
            pipeline=booked + sum(sums.values()),
        )
        return forecast
