"""Forecasting: expected bookings for a period from the open pipeline, backtested.

Deals are read once into arrays (:class:`DealHistory`) from the neutral CSV set or the Maven
file; :meth:`DealHistory.as_of` reconstructs the open deals on any past day from stage
history. Every method follows the estimator API (``fit(history, as_of)`` returns the method,
learned state ends in ``_``; ``predict(period)`` gives a :class:`Forecast`)::

    from l2o.analytics.forecast import MonteCarlo, parse_period, read_neutral_csv

    history = read_neutral_csv("data/")
    q3 = parse_period("2024Q3")
    forecast = MonteCarlo().fit(history, q3.week(2)).predict(q3)
    forecast.p10, forecast.p50, forecast.p90

Methods: :class:`WeightedPipeline`, :class:`StageConversion`, :class:`MonteCarlo`,
:class:`CategoryRollup`. :func:`backtest` and :func:`score` say which has earned trust.
See docs/forecast.md.
"""

from l2o.analytics.forecast._backtest import (
    NEW_PIPELINE,
    BacktestRow,
    MethodScore,
    backtest,
    score,
)
from l2o.analytics.forecast._base import Forecast, ForecastMethod
from l2o.analytics.forecast._category import CategoryRollup
from l2o.analytics.forecast._deals import DealHistory, Snapshot
from l2o.analytics.forecast._errors import ForecastError, InsufficientEvidence
from l2o.analytics.forecast._monte_carlo import MonteCarlo
from l2o.analytics.forecast._periods import Period, day_number, parse_period, period_containing
from l2o.analytics.forecast._simulation import simulate_bookings
from l2o.analytics.forecast._sources import read_maven_csv, read_neutral_csv
from l2o.analytics.forecast._stage_conversion import StageConversion, stage_win_rates
from l2o.analytics.forecast._weighted import WeightedPipeline

METHODS = {m.name: m for m in (WeightedPipeline, StageConversion, MonteCarlo, CategoryRollup)}
"""Every forecasting method by name."""

__all__ = [
    "METHODS",
    "NEW_PIPELINE",
    "BacktestRow",
    "CategoryRollup",
    "DealHistory",
    "Forecast",
    "ForecastError",
    "ForecastMethod",
    "InsufficientEvidence",
    "MethodScore",
    "MonteCarlo",
    "Period",
    "Snapshot",
    "StageConversion",
    "WeightedPipeline",
    "backtest",
    "day_number",
    "parse_period",
    "period_containing",
    "read_maven_csv",
    "read_neutral_csv",
    "score",
    "simulate_bookings",
    "stage_win_rates",
]
