"""Backtest: at week N of each past period, what each method predicted vs what closed -
for the whole company and, given each deal's label (owner, segment), per label.

Per label, a method's prediction is its forecast split by the deals it came from
(:meth:`Forecast.by`: open deals' value plus what they had already booked) and the actual is
what the label's deals existing on the forecast day went on to book in the period. Pipeline
not yet created on that day belongs to no owner yet: it is its own label,
:data:`NEW_PIPELINE`, predicted by the methods that model it (Monte Carlo) and zero by the
others, against the bookings of deals created after the forecast day. A Monte Carlo
forecast's parts are each deal's expected value and the new pipeline's simulated mean, so
they add up to its simulated total only up to simulation noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from l2o.analytics.forecast._base import ForecastMethod
from l2o.analytics.forecast._deals import DealHistory
from l2o.analytics.forecast._errors import ForecastError, InsufficientEvidence
from l2o.analytics.forecast._periods import Period, period_containing

__all__ = ["NEW_PIPELINE", "BacktestRow", "MethodScore", "backtest", "score"]

#: The label of bookings from deals created after the forecast day (no owner or segment yet).
NEW_PIPELINE = "(pipeline not yet created)"


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
    group: str = ""  # "" for the whole company, else an owner or segment label


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
    group: str = ""  # "" for the whole company, else an owner or segment label


def backtest(
    history: DealHistory,
    methods: Sequence[Callable[[], ForecastMethod]],
    *,
    kind: str = "quarter",
    weeks: Sequence[int] = (2, 6),
    first: Period | None = None,
    last: Period | None = None,
    labels: np.ndarray | None = None,
) -> list[BacktestRow]:
    """Refit every method at week N of each full past period and compare with the bookings.

    Periods run from the one after the first deal was created (so some history exists) to
    the last one the data covers completely. With ``labels`` (one per deal of ``history``,
    e.g. its owner), each forecast is also compared per label (see the module's text).
    """
    start = first or period_containing(float(np.nanmin(history.created)), kind).next()
    stop = last or period_containing(history.last_day, kind).previous()
    rows: list[BacktestRow] = []
    period = start
    while period.start <= stop.start:
        won = history.won_between(period.start, period.end)
        actual = float(np.nansum(history.amount[won]))
        for week in weeks:
            day = period.week(week)
            if day >= period.end:
                continue
            actuals = _actual_by_label(history, won, day, labels) if labels is not None else {}
            for make in methods:
                method = make()
                try:
                    forecast = method.fit(history, day).predict(period)
                except InsufficientEvidence as exc:
                    rows.append(
                        BacktestRow(method.name, period.label, week, actual, None, reason=str(exc))
                    )
                    rows.extend(
                        BacktestRow(
                            method.name, period.label, week, a, None, reason=str(exc), group=g
                        )
                        for g, a in actuals.items()
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
                if labels is not None:
                    predicted = forecast.by(labels)
                    predicted[NEW_PIPELINE] = forecast.from_new
                    rows.extend(
                        BacktestRow(
                            method.name, period.label, week, a, predicted.get(g, 0.0), group=g
                        )
                        for g, a in actuals.items()
                    )
        period = period.next()
    if not rows:
        raise ForecastError(f"no full {kind} in {history.source} to backtest")
    return rows


def _actual_by_label(
    history: DealHistory, won: np.ndarray, day: float, labels: np.ndarray
) -> dict[str, float]:
    """What each label's deals existing on ``day`` booked among ``won``, and what deals
    created after ``day`` booked (:data:`NEW_PIPELINE`); every label of a deal open or
    booked-in-period on ``day`` appears, with 0 when it booked nothing."""
    existed = history.created <= day
    in_play = existed & ~(history.closed <= day) | (won & existed)
    out = {str(g): 0.0 for g in np.unique(labels[in_play].astype(str))}
    booked = won & existed
    for g, amount in zip(labels[booked].astype(str), history.amount[booked], strict=True):
        out[str(g)] += float(np.nan_to_num(amount))
    out[NEW_PIPELINE] = float(np.nansum(history.amount[won & ~existed]))
    return out


def score(rows: Sequence[BacktestRow]) -> list[MethodScore]:
    """MAPE, bias and coverage per method, week and group (``""``: the whole company);
    periods with no bookings are left out of MAPE and bias (a percentage of zero is
    undefined)."""
    out: list[MethodScore] = []
    keys = sorted({(r.group, r.method, r.week) for r in rows}, key=lambda k: (k[0], k[2], k[1]))
    for group, method, week in keys:
        mine = [r for r in rows if r.method == method and r.week == week and r.group == group]
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
                group,
            )
        )
    return out
