"""Forecasting a period: every method over one deal history, and their track record.

The one way ``l2o forecast``, the dashboard and the reports forecast: :func:`method_makers`
makes the methods with the same settings (Monte Carlo with its runs and seed),
:func:`forecast_period` runs each over a period as of one day and keeps each method's
forecast or the error that stopped it, :func:`backtest_methods` scores them over past
periods, and :func:`default_period` / :func:`default_as_of` say which period and day when
none is given. :func:`forecast_store` does it all over the store (read with
:func:`~l2o.services.forecast_reading.read_store_history`)::

    from l2o.services.forecasting import backtest_methods, forecast_store

    result = forecast_store("sqlite:///l2o.db")              # the period still open
    result.period.label, result.as_of_day                     # "2025Q1", "2024-12-31"
    mc = result.methods["monte_carlo"]
    mc.forecast.p10, mc.forecast.p90 if mc.forecast else mc.error
    result.as_json()["methods"]                               # as ``l2o forecast --json``
    scores = backtest_methods(history, "quarter")             # MAPE, bias, coverage per method

A method the data cannot support is kept with its error (``InsufficientEvidence`` says
"insufficient evidence"), so one method never hides the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy.engine import URL, Engine

from l2o.analytics.forecast import (
    METHODS,
    DealHistory,
    Forecast,
    ForecastError,
    ForecastMethod,
    InsufficientEvidence,
    MethodScore,
    MonteCarlo,
    Period,
    backtest,
    day_number,
    parse_period,
    period_containing,
    score,
)
from l2o.errors import L2OError
from l2o.services.forecast_reading import read_store_history

__all__ = [
    "BACKTEST_GROUPINGS",
    "BACKTEST_WEEKS",
    "SEED",
    "SIMULATIONS",
    "MethodResult",
    "PeriodForecast",
    "backtest_methods",
    "default_as_of",
    "default_period",
    "forecast_period",
    "forecast_store",
    "method_makers",
]

SIMULATIONS = 10_000
"""Monte Carlo runs per forecast."""

SEED = 0
"""The Monte Carlo seed: the same data gives the same draws."""

BACKTEST_WEEKS = (2, 6)
"""The weeks of each past period the backtest forecasts from."""

BACKTEST_GROUPINGS = ("owner", "segment")
"""What a backtest can be split by: each deal's owner or its account's segment."""


@dataclass(frozen=True)
class MethodResult:
    """One method's forecast of the period, or the error that stopped it (never both)."""

    name: str
    forecast: Forecast | None = None
    error: L2OError | None = None

    @property
    def insufficient(self) -> bool:
        """The data lacks what the method needs (rather than something going wrong)."""
        return isinstance(self.error, InsufficientEvidence)

    def as_json(self) -> dict[str, Any]:
        """The method's entry in ``l2o forecast --json``: the figures and ``how``, or
        ``expected`` None and ``how`` saying why there is no number."""
        if self.forecast is None:
            reason = (
                f"insufficient evidence: {self.error}" if self.insufficient else str(self.error)
            )
            return {"expected": None, "how": reason}
        f = self.forecast
        return {
            "expected": f.expected,
            "booked": f.booked,
            "from_open": f.from_open,
            "from_new": f.from_new,
            "open_deals": f.n_open,
            "won_deals": f.n_booked,
            "p10": f.p10,
            "p50": f.p50,
            "p90": f.p90,
            "how": f.how,
            **f.extra,
        }


@dataclass(frozen=True)
class PeriodForecast:
    """Every method's forecast of ``period`` as of day number ``as_of``, from the deal
    history of ``source``; ``backtest`` the methods' scores when asked for."""

    period: Period
    as_of: float
    source: str
    methods: dict[str, MethodResult]
    backtest: list[MethodScore] | None = None

    @property
    def as_of_day(self) -> str:
        """The as-of day as ``YYYY-MM-DD``."""
        return str(np.datetime64(int(self.as_of), "D"))

    def as_json(self) -> dict[str, Any]:
        """``l2o forecast --json``: ``{"period", "as_of", "source", "methods", "backtest"}``
        (``backtest`` only when it was run)."""
        out: dict[str, Any] = {
            "period": self.period.label,
            "as_of": self.as_of_day,
            "source": self.source,
            "methods": {name: result.as_json() for name, result in self.methods.items()},
        }
        if self.backtest is not None:
            out["backtest"] = [s.__dict__ for s in self.backtest]
        return out


def method_makers(
    simulations: int = SIMULATIONS, seed: int = SEED
) -> list[Callable[[], ForecastMethod]]:
    """A maker per method (:data:`~l2o.analytics.forecast.METHODS`), Monte Carlo last with
    ``simulations`` runs and ``seed``: what :func:`forecast_period` and the backtest fit."""
    makers: list[Callable[[], ForecastMethod]] = [
        m for n, m in METHODS.items() if n != MonteCarlo.name
    ]
    makers.append(lambda: MonteCarlo(n_simulations=simulations, seed=seed))
    return makers


def default_period(history: DealHistory, kind: str = "quarter") -> Period:
    """The period of ``kind`` still open on the data's last day (the next one once that day
    is the period's last)."""
    return period_containing(history.last_day + 1, kind)


def default_as_of(history: DealHistory, period: Period, *, from_start: bool = False) -> float:
    """The data's last day, no later than the period's last day. A period still to come is
    forecast from the data's last day, or with ``from_start`` from its own first day (the
    data knows nothing after its last day either way)."""
    day = max(history.last_day, period.start) if from_start else history.last_day
    return min(day, period.end - 1)


def forecast_period(
    history: DealHistory,
    period: Period | str,
    *,
    as_of: str | date | datetime | float | None = None,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> PeriodForecast:
    """Every method's forecast of ``period`` as of ``as_of`` (default:
    :func:`default_as_of`), each learning only from what was known that day.

    A method that cannot forecast keeps its error in its :class:`MethodResult`; a period or
    day nothing can be forecast for (the period ended before the as-of day, a malformed
    period) raises :class:`~l2o.analytics.forecast.ForecastError`.
    """
    target = parse_period(period) if isinstance(period, str) else period
    day = default_as_of(history, target) if as_of is None else day_number(as_of)
    if day >= target.end:
        raise ForecastError(f"{target.label} ended before the as-of day: nothing to forecast")
    methods: dict[str, MethodResult] = {}
    for make in method_makers(simulations, seed):
        method = make()
        try:
            methods[method.name] = MethodResult(
                method.name, method.fit(history, day).predict(target)
            )
        except L2OError as exc:  # InsufficientEvidence among them
            methods[method.name] = MethodResult(method.name, error=exc)
    return PeriodForecast(target, day, history.source, methods)


def backtest_methods(
    history: DealHistory,
    kind: str = "quarter",
    weeks: Sequence[int] = BACKTEST_WEEKS,
    *,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
    by: str | None = None,
) -> list[MethodScore]:
    """Every method refitted at each week of ``weeks`` of every full past period of
    ``kind``, scored against what closed: MAPE, bias and (Monte Carlo) P10-P90 coverage -
    for the whole company and, with ``by`` (``owner`` or ``segment``), per owner or segment
    too (each score's ``group``; see :mod:`l2o.analytics.forecast._backtest`)."""
    labels = None
    if by is not None:
        if by not in BACKTEST_GROUPINGS:
            raise ForecastError(f"backtest by {by!r}: use one of {', '.join(BACKTEST_GROUPINGS)}")
        labels = getattr(history, by)
        if labels is None:
            raise ForecastError(
                f"backtest by {by}: {history.source} does not give each deal's {by}"
            )
    rows = backtest(
        history, method_makers(simulations, seed), kind=kind, weeks=tuple(weeks), labels=labels
    )
    return score(rows)


def forecast_store(
    store: str | URL | Engine,
    period: Period | str | None = None,
    *,
    kind: str = "quarter",
    as_of: str | date | datetime | float | None = None,
    backtest_weeks: Sequence[int] | None = None,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> PeriodForecast:
    """:func:`forecast_period` over the store's deal history: ``period`` or else the
    :func:`default_period` of ``kind``; with ``backtest_weeks`` the methods' track record
    too (:func:`backtest_methods` over periods of the same kind)."""
    history = read_store_history(store)
    target = default_period(history, kind) if period is None else period
    result = forecast_period(history, target, as_of=as_of, simulations=simulations, seed=seed)
    if backtest_weeks is None:
        return result
    scores = backtest_methods(
        history, result.period.kind, backtest_weeks, simulations=simulations, seed=seed
    )
    return replace(result, backtest=scores)
