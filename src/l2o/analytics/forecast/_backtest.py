"""Backtest: at week N of each past period, what each method predicted vs what closed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from l2o.analytics.forecast._base import ForecastMethod
from l2o.analytics.forecast._deals import DealHistory
from l2o.analytics.forecast._errors import ForecastError, InsufficientEvidence
from l2o.analytics.forecast._periods import Period, period_containing

__all__ = ["BacktestRow", "MethodScore", "backtest", "score"]


@dataclass(frozen=True)
class BacktestRow:
    """One method's forecast for one past period, made at week ``week`` of it."""

    method: str
    period: str
    week: int
    actual: float
    predicted: float | None  # None: the method lacked evidence (``reason``)
    p10: float | None = None
    p90: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class MethodScore:
    """A method's record over the backtest: MAPE and bias (mean signed % error) over periods
    with bookings, P10-P90 coverage for simulation methods, and periods it could not cover."""

    method: str
    week: int
    periods: int
    mape: float | None
    bias: float | None
    coverage: float | None
    insufficient: int
    reason: str = ""


def backtest(
    history: DealHistory,
    methods: Sequence[Callable[[], ForecastMethod]],
    *,
    kind: str = "quarter",
    weeks: Sequence[int] = (2, 6),
    first: Period | None = None,
    last: Period | None = None,
) -> list[BacktestRow]:
    """Refit every method at week N of each full past period and compare with the bookings.

    Periods run from the one after the first deal was created (so some history exists) to
    the last one the data covers completely.
    """
    start = first or period_containing(float(np.nanmin(history.created)), kind).next()
    stop = last or period_containing(history.last_day, kind).previous()
    rows: list[BacktestRow] = []
    period = start
    while period.start <= stop.start:
        actual = float(np.nansum(history.amount[history.won_between(period.start, period.end)]))
        for week in weeks:
            day = period.week(week)
            if day >= period.end:
                continue
            for make in methods:
                method = make()
                try:
                    forecast = method.fit(history, day).predict(period)
                except InsufficientEvidence as exc:
                    rows.append(
                        BacktestRow(method.name, period.label, week, actual, None, reason=str(exc))
                    )
                    continue
                rows.append(
                    BacktestRow(
                        method.name,
                        period.label,
                        week,
                        actual,
                        forecast.expected,
                        forecast.p10,
                        forecast.p90,
                    )
                )
        period = period.next()
    if not rows:
        raise ForecastError(f"no full {kind} in {history.source} to backtest")
    return rows


def score(rows: Sequence[BacktestRow]) -> list[MethodScore]:
    """MAPE, bias and coverage per method and week; periods with no bookings are left out of
    MAPE and bias (a percentage of zero is undefined)."""
    out: list[MethodScore] = []
    keys = sorted({(r.method, r.week) for r in rows}, key=lambda k: (k[1], k[0]))
    for method, week in keys:
        mine = [r for r in rows if r.method == method and r.week == week]
        done = [r for r in mine if r.predicted is not None and r.actual > 0]
        missing = [r for r in mine if r.predicted is None]
        errors = np.array([(r.predicted - r.actual) / r.actual for r in done])  # type: ignore[operator]
        ranged = [r for r in done if r.p10 is not None and r.p90 is not None]
        coverage = (
            float(np.mean([r.p10 <= r.actual <= r.p90 for r in ranged]))  # type: ignore[operator]
            if ranged
            else None
        )
        out.append(
            MethodScore(
                method,
                week,
                len(done),
                float(np.mean(np.abs(errors))) if done else None,
                float(np.mean(errors)) if done else None,
                coverage,
                len(missing),
                missing[0].reason if missing else "",
            )
        )
    return out
