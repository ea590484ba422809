"""What every forecasting method shares: the estimator API and the forecast it returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from l2o.analytics.forecast._deals import DealHistory, FloatArray, IntArray, Snapshot
from l2o.analytics.forecast._errors import ForecastError
from l2o.analytics.forecast._periods import Period, day_number

__all__ = ["Forecast", "ForecastMethod"]


@dataclass(frozen=True)
class Forecast:
    """Expected bookings for a period, with how they were computed and from how many deals.

    ``expected`` = ``booked`` (won in the period up to the as-of day) + ``from_open`` (the
    method's value of the open deals) + ``from_new`` (pipeline not yet created; Monte Carlo
    only). ``deal`` / ``contribution`` give each open deal's part, so the forecast splits by
    owner or segment (:meth:`by`); ``booked_deal`` / ``booked_amount`` are the deals already
    won. ``p10``/``p50``/``p90`` are set by simulation methods.
    """

    method: str
    period: str
    as_of: float
    expected: float
    booked: float
    from_open: float
    n_open: int
    n_booked: int
    how: str
    deal: IntArray
    contribution: FloatArray
    booked_deal: IntArray
    booked_amount: FloatArray
    from_new: float = 0.0
    p10: float | None = None
    p50: float | None = None
    p90: float | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def by(self, labels: np.ndarray) -> dict[str, float]:
        """The expected bookings per label (owner, segment) of the deals they come from."""
        keys = np.concatenate([labels[self.deal], labels[self.booked_deal]])
        values = np.concatenate([self.contribution, self.booked_amount])
        names, where = np.unique(keys.astype(str), return_inverse=True)
        sums = np.bincount(where, weights=values, minlength=names.size)
        return {str(n): float(v) for n, v in zip(names, sums, strict=True)}


class ForecastMethod(ABC):
    """A forecasting method: ``fit(history, as_of)`` learns only from what was known on
    ``as_of`` and returns the method; ``predict(period)`` gives a :class:`Forecast`.
    """

    name: str = "method"

    def fit(self, history: DealHistory, as_of: str | date | datetime | float) -> ForecastMethod:
        """Take the open deals on ``as_of`` and learn what the method needs from deals closed
        before it. Raises :class:`InsufficientEvidence` when the data cannot support it."""
        day = day_number(as_of)
        self.history_ = history
        self.as_of_ = day
        self.snapshot_ = history.as_of(day)
        self._learn(history, self.snapshot_)
        return self

    @abstractmethod
    def _learn(self, history: DealHistory, snapshot: Snapshot) -> None: ...

    @abstractmethod
    def predict(self, period: Period) -> Forecast:
        """Expected bookings (amount won) in ``period``."""

    def _booked(self, period: Period) -> tuple[IntArray, FloatArray]:
        """Deals already won in the period by the as-of day, and their amounts."""
        if not hasattr(self, "snapshot_"):
            raise ForecastError(f"{self.name}: call fit() before predict()")
        if self.as_of_ >= period.end:
            raise ForecastError(f"{period.label} ended before the as-of day: nothing to forecast")
        won = self.history_.won_between(period.start, min(self.as_of_, period.end))
        won &= self.history_.closed <= self.as_of_
        deal = np.flatnonzero(won).astype(np.int64)
        return deal, np.nan_to_num(self.history_.amount[deal])

    def _in_period(self, period: Period) -> np.ndarray:
        """Open deals expected to close by the period's end (overdue deals included)."""
        return np.asarray(self.snapshot_.expected_close < period.end, dtype=bool)

    def _forecast(
        self, period: Period, deal: IntArray, contribution: FloatArray, how: str, **more: object
    ) -> Forecast:
        booked_deal, booked = self._booked(period)
        from_new = float(more.pop("from_new", 0.0))  # type: ignore[arg-type]
        total = float(booked.sum() + contribution.sum()) + from_new
        return Forecast(
            method=self.name,
            period=period.label,
            as_of=self.as_of_,
            expected=float(more.pop("expected", total)),  # type: ignore[arg-type]
            booked=float(booked.sum()),
            from_open=float(contribution.sum()),
            n_open=int(deal.size),
            n_booked=int(booked_deal.size),
            how=how,
            deal=deal,
            contribution=contribution,
            booked_deal=booked_deal,
            booked_amount=booked,
            from_new=from_new,
            **more,  # type: ignore[arg-type]
        )
