"""When an open deal will close: a Kaplan-Meier curve learned with the open deals censored.

Learning close timing from closed deals alone keeps only the deals that closed quickly
enough to be seen: the deals still open on the as-of day (some of them for a long time) are
left out, and every open deal then looks likelier to close soon than it is. Here every deal
known on the as-of day counts - a closed one as an event, an open one as censored on that
day - and a deal enters the risk set only from the moment it was observed (left truncation),
so the curve is the product-limit estimate of the time to close.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.analytics.forecast._deals import BoolArray, DealHistory, FloatArray

__all__ = ["CloseTiming", "timing_from_cycles", "timing_from_slips"]


@dataclass(frozen=True)
class CloseTiming:
    """Distribution of a close time ``T`` (days; a slip past the expected close, or a
    deal's age at close) as its product-limit factors: at ``times[k]`` a deal still open
    closes with probability ``1 - factor[k]``. ``closes`` and ``censored`` say how much data
    it rests on.

    Only conditional chances are offered: with left truncation the earliest times can have
    a risk set of one deal, and a product from minus infinity would carry that noise into
    every later chance; a product over ``(after, by]`` uses only the deals seen there.
    """

    times: FloatArray
    factor: FloatArray
    closes: int
    censored: int

    def chance(self, after: FloatArray, by: FloatArray) -> FloatArray:
        """P(T <= ``by`` | T > ``after``): the chance a deal not closed at ``after`` closes
        by ``by``."""
        ends = np.zeros(self.factor.size + 1)
        zeros = np.zeros(self.factor.size + 1)
        with np.errstate(divide="ignore"):
            np.cumsum(np.log(np.where(self.factor > 0, self.factor, 1.0)), out=ends[1:])
        np.cumsum(self.factor <= 0, out=zeros[1:])
        lo = np.searchsorted(self.times, after, side="right")
        hi = np.searchsorted(self.times, np.maximum(by, after), side="right")
        survive = np.where(zeros[hi] > zeros[lo], 0.0, np.exp(ends[hi] - ends[lo]))
        return np.asarray(1.0 - survive, dtype=np.float64)


def kaplan_meier(
    entry: FloatArray, exit: FloatArray, event: BoolArray, weight: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Product-limit factors ``1 - closes / at risk`` at each distinct close time, counts
    weighted. A deal is at risk at ``t`` when ``entry < t <= exit``; ``event`` says whether
    ``exit`` was a close or a censoring."""
    times, where = np.unique(exit[event], return_inverse=True)
    deaths = np.bincount(where, weights=weight[event], minlength=times.size)
    at_risk = _weight_at_least(exit, weight, times) - _weight_at_least(entry, weight, times)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(at_risk > 0, 1.0 - deaths / at_risk, 1.0)
    return times.astype(np.float64), np.clip(factor, 0.0, 1.0)


def _weight_at_least(values: FloatArray, weight: FloatArray, at: FloatArray) -> FloatArray:
    """Total weight of ``values >= at[k]`` for each ``k``."""
    order = np.argsort(values, kind="stable")
    tail = np.append(np.cumsum(weight[order][::-1])[::-1], 0.0)
    return np.asarray(tail[np.searchsorted(values[order], at, side="left")], dtype=np.float64)


def timing_from_slips(history: DealHistory, day: float, open_weight: FloatArray) -> CloseTiming:
    """Slip = close - the expected close a deal carried at each stage move made by ``day``,
    for the deals that were won.

    Each move is observed from the slip it had when it was made (``move - expected``) and
    ends at the win when that came by ``day``. A deal still open on ``day`` is censored
    there, weighted by ``open_weight[deal]`` - the chance it will be won - since only some of
    the open deals belong to the winners whose timing this is; lost deals take no part.
    """
    seen = (history.event_time <= day) & ~np.isnan(history.event_close)
    deal = history.event_deal[seen]
    expected = history.event_close[seen]
    closed = history.closed[deal]
    done = closed <= day
    won = done & history.won[deal]
    keep = won | ~done
    exit = np.where(done, closed, day) - expected
    entry = history.event_time[seen] - expected
    size = history.event_amount[seen]
    weight = np.where(won, 1.0, open_weight[deal]) * np.where(np.isnan(size), 0.0, size)
    keep &= (entry < exit) & (weight > 0)
    return _timing(entry[keep], exit[keep], won[keep], weight[keep])


def timing_from_cycles(history: DealHistory, day: float, open_weight: float) -> CloseTiming:
    """Cycle time = win - creation, for deals created by ``day``: won ones as closes, open
    ones censored with weight ``open_weight`` (the chance they will be won)."""
    known = history.created <= day
    created = history.created[known]
    closed = history.closed[known]
    done = closed <= day
    won = done & history.won[known]
    keep = won | ~done
    exit = np.where(done, closed, day) - created
    weight = np.where(won, 1.0, open_weight)
    return _timing(np.full(int(keep.sum()), -np.inf), exit[keep], won[keep], weight[keep])


def _timing(
    entry: FloatArray, exit: FloatArray, event: BoolArray, weight: FloatArray
) -> CloseTiming:
    times, factor = kaplan_meier(entry, exit, event, weight)
    return CloseTiming(times, factor, int(event.sum()), int((~event).sum()))
