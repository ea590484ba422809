"""Weighted pipeline: each open deal's amount times its stage's win probability."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from l2o.analytics.forecast._base import Forecast, ForecastMethod
from l2o.analytics.forecast._deals import DealHistory, Snapshot
from l2o.analytics.forecast._errors import InsufficientEvidence
from l2o.analytics.forecast._periods import Period

__all__ = ["WeightedPipeline"]


class WeightedPipeline(ForecastMethod):
    """Σ stage probability x amount over open deals expected to close in the period, plus
    what is already won in it.

    ``probabilities`` (stage → 0-1) come from the spec (:func:`stage_probabilities`) or are
    given; without them, the probabilities the CRM recorded per stage are used.

    >>> WeightedPipeline({"proposal": 0.6}).fit(history, "2024-07-15").predict(q3).expected
    """

    name = "weighted_pipeline"

    def __init__(self, probabilities: Mapping[str, float] | None = None) -> None:
        self.probabilities = probabilities

    def _learn(self, history: DealHistory, snapshot: Snapshot) -> None:
        given = self.probabilities if self.probabilities is not None else history.probabilities
        if not history.has_stage_history:
            raise InsufficientEvidence(
                f"{self.name}: {history.source} has no stage history, so the stage of a deal "
                "on a past day is unknown"
            )
        if not given:
            raise InsufficientEvidence(f"{self.name}: no stage probabilities given or recorded")
        table = np.array([given.get(s, np.nan) for s in snapshot.stages] + [np.nan])
        self.stage_probability_ = table[:-1]
        self.source_ = "given" if self.probabilities is not None else "recorded by the CRM"
        self.probability_ = table[snapshot.stage]  # stage -1 takes the trailing NaN

    def predict(self, period: Period) -> Forecast:
        """Booked so far plus probability-weighted open deals closing in ``period``."""
        keep = self._in_period(period) & ~np.isnan(self.probability_)
        value = self.probability_[keep] * np.nan_to_num(self.snapshot_.amount[keep])
        unknown = int((self._in_period(period) & np.isnan(self.probability_)).sum())
        how = (
            f"stage probability ({self.source_}) x amount over {int(keep.sum())} open deals "
            f"expected to close by period end"
            + (f"; {unknown} in stages without a probability left out" if unknown else "")
        )
        return self._forecast(period, self.snapshot_.deal[keep], value, how)
