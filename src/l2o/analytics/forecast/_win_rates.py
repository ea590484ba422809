"""Win rates per stage as uncertain quantities: what the closed deals say, how sure that is,
and how much the win rate has moved from one period to the next."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.analytics.forecast._deals import DealHistory, FloatArray
from l2o.analytics.forecast._periods import Period, period_containing

__all__ = ["WinRates", "learn_win_rates", "period_spread"]


@dataclass(frozen=True)
class WinRates:
    """Per stage code (the last slot: stage unknown, the overall rate): deals won and lost
    behind the rate, and the amount factor (average final amount of the won deals / average
    amount the deals carried when they reached the stage). ``period_spread`` is the standard
    deviation, on the log-odds scale, of the win rate between past periods beyond what their
    sizes explain; ``periods`` how many past periods it rests on."""

    won: FloatArray
    lost: FloatArray
    amount_factor: FloatArray
    period_spread: float
    periods: int

    @property
    def rate(self) -> FloatArray:
        return np.asarray(self.won / (self.won + self.lost), dtype=np.float64)

    def draw(self, rng: np.random.Generator, scenarios: int) -> FloatArray:
        """Win rates per scenario and stage: each stage's from its Beta posterior (Jeffreys
        prior), then one shift of the log-odds per scenario shared by every stage - a good
        or a bad period moves all of them together."""
        draws = rng.beta(self.won + 0.5, self.lost + 0.5, (scenarios, self.won.size))
        if self.period_spread <= 0:
            return np.asarray(draws, dtype=np.float64)
        shift = rng.normal(0.0, self.period_spread, (scenarios, 1))
        draws = np.clip(draws, 1e-9, 1 - 1e-9)
        return np.asarray(1.0 / (1.0 + (1.0 / draws - 1.0) * np.exp(-shift)), dtype=np.float64)


def learn_win_rates(history: DealHistory, day: float, *, min_deals: int = 5) -> WinRates:
    """Win rates from the deals closed by ``day``: per stage reached when the data has stage
    history (a stage with fewer than ``min_deals`` deals takes the overall counts), else
    one overall rate. No period spread yet: that depends on the period's kind
    (:func:`period_spread`)."""
    closed = history.closed_before(day)
    won_all = float(history.won[closed].sum())
    lost_all = float(closed.sum()) - won_all
    n = len(history.stages)
    won = np.full(n + 1, won_all)
    lost = np.full(n + 1, lost_all)
    factor = np.ones(n + 1)
    if history.has_stage_history:
        first = _first_event_per_stage(history, closed)
        stage = history.event_stage[first]
        deal = history.event_deal[first]
        is_won = history.won[deal]
        reached = np.bincount(stage, minlength=n)[:n].astype(np.float64)
        wins = np.bincount(stage, weights=is_won.astype(np.float64), minlength=n)[:n]
        at_stage = history.event_amount[first]
        final = history.amount[deal]
        ok = ~np.isnan(at_stage) & (at_stage > 0)
        value = np.bincount(stage[ok], weights=at_stage[ok], minlength=n)[:n]
        won_ok = ok & is_won
        won_value = np.bincount(stage[won_ok], weights=at_stage[won_ok], minlength=n)[:n]
        realised = won_ok & ~np.isnan(final)
        booked = np.bincount(stage[realised], weights=final[realised], minlength=n)[:n]
        carried = np.bincount(stage[realised], weights=at_stage[realised], minlength=n)[:n]
        enough = (reached >= min_deals) & (wins > 0) & (value > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            value_rate = np.where(enough, won_value / value, wins / np.maximum(reached, 1))
            ratio = booked / carried
        won[:n] = np.where(enough, value_rate * reached, won_all)
        lost[:n] = np.where(enough, (1 - value_rate) * reached, lost_all)
        factor[:n] = np.where(enough & np.isfinite(ratio) & (carried > 0), ratio, 1.0)
    return WinRates(won, lost, factor, 0.0, 0)


def _first_event_per_stage(history: DealHistory, deals: np.ndarray) -> np.ndarray:
    """Index of each (deal, stage) pair's first event, for the deals in the mask."""
    index = np.flatnonzero(deals[history.event_deal] & (history.event_stage >= 0))
    key = history.event_deal[index] * (len(history.stages) + 1) + history.event_stage[index]
    _, first = np.unique(key, return_index=True)  # events are sorted by deal, then time
    return index[first]


def period_spread(history: DealHistory, day: float, kind: str) -> tuple[float, int]:
    """Between-period standard deviation of the win rate (log-odds) over the full ``kind``
    periods before ``day``, by the method of moments for unequal period sizes (the spread
    of the periods' win rates less what binomial noise alone explains), and how many
    periods; 0 with fewer than three."""
    closed = history.closed_before(day)
    if not closed.any():
        return 0.0, 0
    stop = period_containing(day, kind)
    period: Period = period_containing(float(np.nanmin(history.closed[closed])), kind)
    sizes, wins = [], []
    while period.end <= stop.start:
        inside = closed & (history.closed >= period.start) & (history.closed < period.end)
        if inside.any():
            sizes.append(float(inside.sum()))
            wins.append(float(history.won[inside].sum()))
        period = period.next()
    k = len(sizes)
    if k < 3:
        return 0.0, k
    n, w = np.array(sizes), np.array(wins)
    mean = w.sum() / n.sum()
    if not 0 < mean < 1:
        return 0.0, k
    between = (n * (w / n - mean) ** 2).sum() - (k - 1) * mean * (1 - mean)
    tau2 = max(0.0, between / (n.sum() - (n**2).sum() / n.sum()))
    return float(np.sqrt(tau2) / (mean * (1 - mean))), k
