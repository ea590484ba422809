"""Pipeline not yet created: how many deals will be created after the as-of day and won in
the period, learned from the same stretch of past periods, with its trend and its spread."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.analytics.forecast._deals import DealHistory, FloatArray
from l2o.analytics.forecast._periods import Period, past_periods, same_point

__all__ = ["NewPipeline", "new_pipeline"]

_MAX_TREND = 2.0  # the trend may move the run-rate at most this factor from the recent mean


@dataclass(frozen=True)
class NewPipeline:
    """Expected count ``rate`` of new deals won in the period, the variance of its logarithm
    ``log_variance`` (the run-rate's own uncertainty plus the spread of past periods beyond
    Poisson), the amounts of past such deals to draw from, and a note for ``how``."""

    rate: float
    log_variance: float
    amounts: FloatArray
    note: str

    @property
    def expected(self) -> float:
        return self.rate * float(self.amounts.mean()) if self.amounts.size else 0.0

    def draw_counts(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Counts for ``n`` simulations: Poisson around a rate that is itself uncertain
        (log-normal with mean ``rate``), so the counts spread as much as past periods did."""
        if self.rate <= 0 or not self.amounts.size:
            return np.zeros(n, dtype=np.int64)
        v = self.log_variance
        rates = self.rate * np.exp(rng.normal(-v / 2, np.sqrt(v), n)) if v > 0 else self.rate
        return rng.poisson(rates, n)


def new_pipeline(history: DealHistory, day: float, period: Period) -> NewPipeline:
    """Deals created after the as-of day's point in each full past period and won in it
    (the same days from its start, no nearer its end: :func:`same_point`; the periods are
    :func:`past_periods`).

    With three or more past periods the count follows a log-linear trend (a Poisson
    regression on the period's position), kept within a factor of 2 of the mean of the
    last two periods; with a year of them a season factor (clipped to 0.5-2) is applied. The
    rate's uncertainty is the regression's standard error of the next period, and the
    spread is the Pearson dispersion of past counts around their fit.
    """
    first = float(np.nanmin(history.created))
    counts: list[int] = []
    seasons: list[int] = []
    amounts: list[FloatArray] = []
    for past in past_periods(day, period, first):
        cut = max(past.start, same_point(day, period, past))
        new = (history.created > cut) & history.won_between(past.start, past.end)
        counts.append(int(new.sum()))
        seasons.append(past.season)
        amounts.append(history.amount[new])
    if not counts:
        return NewPipeline(0.0, 0.0, np.zeros(0), "; no full past period for new pipeline")
    pool = np.concatenate(amounts)
    pool = pool[~np.isnan(pool)]
    if pool.size == 0:
        return NewPipeline(0.0, 0.0, pool, f"; no new pipeline won in {len(counts)} past periods")
    c = np.array(counts[::-1], dtype=np.float64)  # oldest first
    s = np.array(seasons[::-1])
    k = c.size
    trend = _trend(c) if k >= 3 and c.sum() > 0 else None
    if trend is not None:
        fitted, rate, log_se2, dispersion = trend
        recent = max(float(c[-2:].mean()), 0.5)
        rate = float(np.clip(rate, recent / _MAX_TREND, recent * _MAX_TREND))
        how = "trend of"
    else:
        rate = float(c.mean())
        fitted = np.full(k, rate)
        log_se2 = 1.0 / max(c.sum(), 1.0)
        dispersion = float(c.var(ddof=1) / rate) if k >= 2 and rate > 0 else 1.0
        how = "run-rate of"
    season_note = ""
    same = s == period.season
    if k >= period.per_year and period.per_year > 1 and same.any() and rate > 0:
        factor = float(np.clip(c[same].sum() / max(fitted[same].sum(), 1e-9), 0.5, 2.0))
        rate *= factor
        season_note = f", season factor {factor:.2f}"
    extra = max(dispersion - 1.0, 0.0) / max(rate, 1e-9)  # negative-binomial excess
    log_variance = log_se2 + float(np.log1p(extra))
    note = f"; new pipeline {rate:.1f} deals at the {how} {k} past periods{season_note}"
    return NewPipeline(rate, log_variance, pool, note)


def _trend(counts: FloatArray) -> tuple[FloatArray, float, float, float] | None:
    """Poisson regression of counts on position 0..k-1 (IRLS): fitted values, the rate
    for position k, the variance of its logarithm (scaled by the dispersion), dispersion.
    None when the fit does not converge to finite values."""
    k = counts.size
    x = np.column_stack([np.ones(k), np.arange(k, dtype=np.float64)])
    beta = np.array([np.log(max(counts.mean(), 0.5)), 0.0])
    try:
        for _ in range(25):
            mu = np.exp(x @ beta)
            step = np.linalg.solve(x.T @ (mu[:, None] * x), x.T @ (counts - mu))
            beta = beta + step
            if np.abs(step).max() < 1e-8:
                break
        mu = np.exp(x @ beta)
        dispersion = float(((counts - mu) ** 2 / mu).sum() / (k - 2)) if k > 2 else 1.0
        cov = np.linalg.inv(x.T @ (mu[:, None] * x)) * max(dispersion, 1.0)
    except np.linalg.LinAlgError:
        return None
    ahead = np.array([1.0, float(k)])
    rate, log_se2 = float(np.exp(ahead @ beta)), float(ahead @ cov @ ahead)
    if not (np.isfinite(rate) and np.isfinite(log_se2) and np.isfinite(mu).all()):
        return None
    return mu, rate, log_se2, dispersion
