"""A method's own track record: how far its forecasts of past periods missed, beyond the
spread it claimed for them - the part of a period's uncertainty nothing in the model names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from l2o.analytics.forecast._base import Forecast
from l2o.analytics.forecast._deals import DealHistory
from l2o.analytics.forecast._errors import ForecastError, InsufficientEvidence
from l2o.analytics.forecast._periods import Period, past_periods, same_point

__all__ = ["TrackRecord", "track_record"]

_Z90 = 1.2815515655446004  # P90 of the standard normal


@dataclass(frozen=True)
class TrackRecord:
    """``spread``: the standard deviation of log(actual / forecast) over ``periods`` past
    periods in excess of what the forecasts' own P10-P90 ranges allowed (0 when they were
    wide enough or fewer than two periods could be scored)."""

    spread: float
    periods: int


def track_record(
    forecast: Callable[[float, Period], Forecast],
    history: DealHistory,
    day: float,
    period: Period,
    *,
    max_periods: int = 8,
) -> TrackRecord:
    """Forecast each full past period (up to ``max_periods``, :func:`past_periods`) from the
    same point in it as ``day`` is in ``period`` (:func:`same_point`: a 92-day quarter's last
    day is a 91-day quarter's last day), with only what was known then, and compare with
    what it booked.

    ``forecast(as_of, past_period)`` makes one such forecast (without a track record of its
    own). Each miss is measured on the log scale and the forecast's own spread (its
    P10-P90 range read as +-1.28 standard deviations) is taken off on average, so what is
    left is the period-to-period variation the model does not see.
    """
    if day >= period.end:
        raise ForecastError(f"{period.label} ended before the as-of day: nothing to forecast")
    first = float(np.nanmin(history.created))
    misses: list[float] = []
    claimed: list[float] = []
    for past in past_periods(day, period, first):
        if len(misses) >= max_periods:
            break
        won = history.won_between(past.start, past.end)
        actual = float(np.nansum(history.amount[won]))
        try:
            f = forecast(same_point(day, period, past), past)
        except InsufficientEvidence:
            break  # earlier periods know even less
        uncertain = f.expected - f.booked
        if actual > 0 and uncertain > 0 and f.p10 is not None and f.p90 is not None:
            misses.append(float(np.log(actual / f.expected)))
            claimed.append(float((f.p90 - f.p10) / (2 * _Z90 * f.expected)))
    if len(misses) < 2:
        return TrackRecord(0.0, len(misses))
    excess = float(np.mean(np.square(misses)) - np.mean(np.square(claimed)))
    return TrackRecord(float(np.sqrt(max(excess, 0.0))), len(misses))
