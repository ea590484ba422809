"""Monte Carlo: P10/P50/P90 bookings from open deals and from pipeline not yet created."""

from __future__ import annotations

import numpy as np

from l2o.analytics.forecast._base import Forecast, ForecastMethod
from l2o.analytics.forecast._deals import DealHistory, FloatArray, Snapshot
from l2o.analytics.forecast._errors import InsufficientEvidence
from l2o.analytics.forecast._periods import Period
from l2o.analytics.forecast._simulation import simulate_bookings
from l2o.analytics.forecast._stage_conversion import stage_win_rates

__all__ = ["MonteCarlo"]


class MonteCarlo(ForecastMethod):
    """Simulate the period ``n_simulations`` times: each open deal is won in it with its
    stage-conversion win rate x the chance its close lands by the period's end (from the
    close-date slips of deals won before the as-of day), and new deals created after the
    as-of day and won in the period arrive at the run-rate of past periods (Poisson, scaled
    by the season when a year of history exists), their amounts drawn from past ones.

    Without stage history, every open deal takes the overall win rate, the average won
    amount, and a close time from the cycle times of deals closed before the as-of day
    given its age (and ``how`` says so).
    """

    name = "monte_carlo"

    def __init__(
        self,
        n_simulations: int = 10_000,
        seed: int = 0,
        new_pipeline: bool = True,
        min_closed: int = 20,
        min_deals: int = 5,
    ) -> None:
        self.n_simulations = n_simulations
        self.seed = seed
        self.new_pipeline = new_pipeline
        self.min_closed = min_closed
        self.min_deals = min_deals

    def _learn(self, history: DealHistory, snapshot: Snapshot) -> None:
        day = snapshot.as_of
        closed = history.closed_before(day)
        won = closed & history.won
        if closed.sum() < self.min_closed or won.sum() == 0:
            raise InsufficientEvidence(
                f"{self.name}: {int(closed.sum())} deals ({int(won.sum())} won) closed before "
                f"the as-of day (needs {self.min_closed}, some won)"
            )
        overall = float(history.won[closed].mean())
        self.n_closed_ = int(closed.sum())
        self.staged_ = history.has_stage_history
        if self.staged_:
            rates, reached = stage_win_rates(history, day)
            table = np.append(np.where(reached < self.min_deals, overall, rates), np.nan)
            self.win_probability_ = np.nan_to_num(table[snapshot.stage], nan=overall)
            self.amount_ = np.nan_to_num(snapshot.amount)
            events = won[history.event_deal]
            slips = history.closed[history.event_deal[events]] - history.event_close[events]
            self.timing_ = np.sort(slips[~np.isnan(slips)])
        else:
            self.win_probability_ = np.full(snapshot.size, overall)
            mean_won = float(np.nanmean(history.amount[won]))
            self.amount_ = np.where(np.isnan(snapshot.amount), mean_won, snapshot.amount)
            cycles = history.closed[closed] - history.created[closed]
            self.timing_ = np.sort(cycles[~np.isnan(cycles)])
        if self.timing_.size == 0:
            raise InsufficientEvidence(f"{self.name}: no close timings before the as-of day")

    def close_chance(self, period: Period) -> FloatArray:
        """Per open deal, the chance its close falls by the end of ``period``."""
        timing, snap = self.timing_, self.snapshot_

        def cdf(x: FloatArray) -> FloatArray:
            return np.searchsorted(timing, x, side="right") / timing.size

        if self.staged_:
            close = snap.expected_close
            return np.where(np.isnan(close), 0.0, cdf(period.end - close))
        age = self.as_of_ - self.history_.created[snap.deal]
        alive = 1.0 - cdf(age)
        with np.errstate(invalid="ignore", divide="ignore"):
            chance = (cdf(age + (period.end - self.as_of_)) - cdf(age)) / alive
        return np.where(alive > 0, chance, 0.0)  # older than every past cycle: no evidence

    def predict(self, period: Period) -> Forecast:
        """Mean, P10, P50 and P90 of the simulated bookings for ``period``."""
        chance = self.win_probability_ * self.close_chance(period)
        keep = chance > 0
        seq = np.random.SeedSequence([self.seed, int(self.as_of_), period.year, period.index])
        deals_seq, new_seq = seq.spawn(2)
        totals = simulate_bookings(chance[keep], self.amount_[keep], self.n_simulations, deals_seq)
        rate, pool, note = self._new_pipeline(period) if self.new_pipeline else (0.0, None, "")
        if rate > 0 and pool is not None:
            rng = np.random.default_rng(new_seq)
            count = rng.poisson(rate, self.n_simulations)
            picks = pool[rng.integers(0, pool.size, int(count.sum()))]
            totals = totals + np.bincount(
                np.repeat(np.arange(self.n_simulations), count),
                weights=picks,
                minlength=self.n_simulations,
            )
        from_new = rate * float(pool.mean()) if rate > 0 and pool is not None else 0.0
        booked = self._booked(period)[1].sum()
        p10, p50, p90 = (float(v) + booked for v in np.percentile(totals, [10, 50, 90]))
        basis = (
            "stage win rates and close-date slips"
            if self.staged_
            else "overall win rate, average won amount and cycle times (no stage history)"
        )
        how = (
            f"{self.n_simulations:,} simulations of {int(keep.sum())} open deals with {basis} "
            f"learned from {self.n_closed_} deals closed before the as-of day{note}"
        )
        return self._forecast(
            period,
            self.snapshot_.deal[keep],
            chance[keep] * self.amount_[keep],
            how,
            from_new=from_new,
            expected=float(booked + totals.mean()),
            p10=p10,
            p50=p50,
            p90=p90,
        )

    def _new_pipeline(self, period: Period) -> tuple[float, FloatArray | None, str]:
        """Run-rate of deals created after the as-of day's offset into past periods and won
        in them: (expected count, their amounts, a note for ``how``)."""
        history, day = self.history_, self.as_of_
        offset = max(0.0, day - period.start)
        first = float(np.nanmin(history.created))
        counts: list[int] = []
        seasons: list[int] = []
        amounts: list[FloatArray] = []
        past = period.previous()
        while past.end <= day and past.start >= first:
            new = (history.created > past.start + offset) & history.won_between(
                past.start, past.end
            )
            counts.append(int(new.sum()))
            seasons.append(past.season)
            amounts.append(history.amount[new])
            past = past.previous()
        if not counts:
            return 0.0, None, "; no full past period for new pipeline"
        pool = np.concatenate(amounts)
        pool = pool[~np.isnan(pool)]
        if pool.size == 0:
            return 0.0, None, f"; no new pipeline won in {len(counts)} past periods"
        rate = float(np.mean(counts))
        same = [c for c, s in zip(counts, seasons, strict=True) if s == period.season]
        season_note = ""
        if len(counts) >= period.per_year and same and rate > 0 and period.per_year > 1:
            factor = float(np.clip(np.mean(same) / rate, 0.5, 2.0))
            rate *= factor
            season_note = f", season factor {factor:.2f}"
        return (
            rate,
            pool,
            (
                f"; new pipeline {rate:.1f} deals at the run-rate of {len(counts)} past "
                f"periods{season_note}"
            ),
        )
