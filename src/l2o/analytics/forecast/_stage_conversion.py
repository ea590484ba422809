"""Stage conversion: win rates per stage learned from deals closed before the as-of day."""

from __future__ import annotations

import numpy as np

from l2o.analytics.forecast._base import Forecast, ForecastMethod
from l2o.analytics.forecast._deals import DealHistory, FloatArray, Snapshot
from l2o.analytics.forecast._errors import InsufficientEvidence
from l2o.analytics.forecast._periods import Period

__all__ = ["StageConversion", "stage_win_rates"]


def stage_win_rates(history: DealHistory, day: float) -> tuple[FloatArray, FloatArray]:
    """Per stage, the share of deals that reached it and closed by ``day`` that were won, and
    how many such deals there were. Deals still open on ``day`` teach nothing (no look-ahead).
    """
    closed = history.closed_before(day)
    deal, stage = history.stage_reached(closed)
    n = len(history.stages) + 1
    reached = np.bincount(stage, minlength=n)[: n - 1].astype(np.float64)
    won = np.bincount(stage, weights=history.won[deal].astype(np.float64), minlength=n)[: n - 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return won / reached, reached


class StageConversion(ForecastMethod):
    """Σ learned stage win rate x amount over open deals expected to close in the period,
    plus what is already won in it. A stage with fewer than ``min_deals`` closed deals behind
    it takes the overall win rate.
    """

    name = "stage_conversion"

    def __init__(self, min_closed: int = 20, min_deals: int = 5) -> None:
        self.min_closed = min_closed
        self.min_deals = min_deals

    def _learn(self, history: DealHistory, snapshot: Snapshot) -> None:
        if not history.has_stage_history:
            raise InsufficientEvidence(
                f"{self.name}: {history.source} has no stage history to learn win rates from"
            )
        closed = history.closed_before(snapshot.as_of)
        if closed.sum() < self.min_closed:
            raise InsufficientEvidence(
                f"{self.name}: {int(closed.sum())} deals closed before the as-of day "
                f"(needs {self.min_closed})"
            )
        rates, reached = stage_win_rates(history, snapshot.as_of)
        overall = float(history.won[closed].mean())
        thin = reached < self.min_deals
        self.win_rate_ = np.where(thin, overall, rates)
        self.deals_per_stage_ = reached
        self.overall_win_rate_ = overall
        self.n_closed_ = int(closed.sum())
        self.probability_ = np.append(self.win_rate_, np.nan)[snapshot.stage]

    def predict(self, period: Period) -> Forecast:
        """Booked so far plus learned-win-rate-weighted open deals closing in ``period``."""
        keep = self._in_period(period) & ~np.isnan(self.probability_)
        value = self.probability_[keep] * np.nan_to_num(self.snapshot_.amount[keep])
        how = (
            f"win rate per stage learned from {self.n_closed_} deals closed before the as-of "
            f"day x amount over {int(keep.sum())} open deals expected to close by period end"
        )
        return self._forecast(period, self.snapshot_.deal[keep], value, how)
