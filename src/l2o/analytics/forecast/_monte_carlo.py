"""Monte Carlo: P10/P50/P90 bookings from open deals and from pipeline not yet created."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from l2o.analytics.forecast._base import Forecast, ForecastMethod
from l2o.analytics.forecast._deals import DealHistory, FloatArray, Snapshot
from l2o.analytics.forecast._errors import InsufficientEvidence
from l2o.analytics.forecast._new_pipeline import new_pipeline
from l2o.analytics.forecast._periods import Period
from l2o.analytics.forecast._simulation import simulate_bookings
from l2o.analytics.forecast._timing import timing_from_cycles, timing_from_slips
from l2o.analytics.forecast._track_record import TrackRecord, track_record
from l2o.analytics.forecast._win_rates import learn_win_rates, period_spread

__all__ = ["MonteCarlo"]


class MonteCarlo(ForecastMethod):
    """Simulate the period ``n_simulations`` times.

    Each open deal is won in the period with its stage's win rate x the chance its close
    lands by the period's end, and then books its amount x the stage's amount factor (what
    won deals finally booked against what they carried at that stage). The close chance
    comes from a Kaplan-Meier curve of close-date slips (or, without stage history, of
    cycle times given the deal's age) in which deals still open are censored, so deals that
    linger are not mistaken for deals about to close.

    What every deal shares is drawn once per *scenario* (``scenarios`` of them, the
    simulations shared out evenly): each stage's win rate from its Beta posterior, shifted by
    a period-level change of the log-odds as large as past periods' win rates moved. Deals
    are independent only within a scenario. New deals created after the as-of day and won in
    the period arrive at the trend of past periods' counts (Poisson around an uncertain,
    log-normal rate; season factor with a year of history), amounts drawn from past ones.
    """

    name = "monte_carlo"

    def __init__(
        self,
        n_simulations: int = 10_000,
        seed: int = 0,
        new_pipeline: bool = True,
        min_closed: int = 20,
        min_deals: int = 5,
        scenarios: int = 200,
        track_record: bool = True,
    ) -> None:
        self.n_simulations = n_simulations
        self.seed = seed
        self.new_pipeline = new_pipeline
        self.min_closed = min_closed
        self.min_deals = min_deals
        self.scenarios = scenarios
        self.track_record = track_record

    def _learn(self, history: DealHistory, snapshot: Snapshot) -> None:
        day = snapshot.as_of
        closed = history.closed_before(day)
        won = closed & history.won
        if closed.sum() < self.min_closed or won.sum() == 0:
            raise InsufficientEvidence(
                f"{self.name}: {int(closed.sum())} deals ({int(won.sum())} won) closed before "
                f"the as-of day (needs {self.min_closed}, some won)"
            )
        self.n_closed_ = int(closed.sum())
        self.staged_ = history.has_stage_history
        self.win_rates_ = learn_win_rates(history, day, min_deals=self.min_deals)
        unknown = len(history.stages)
        if self.staged_:
            self.stage_code_ = np.where(snapshot.stage >= 0, snapshot.stage, unknown)
            self.amount_ = (
                np.nan_to_num(snapshot.amount) * self.win_rates_.amount_factor[self.stage_code_]
            )
        else:
            self.stage_code_ = np.full(snapshot.size, unknown)
            mean_won = float(np.nanmean(history.amount[won]))
            self.amount_ = np.where(np.isnan(snapshot.amount), mean_won, snapshot.amount)
        self.win_probability_ = self.win_rates_.rate[self.stage_code_]
        if self.staged_:
            open_weight = np.zeros(history.size)
            open_weight[snapshot.deal] = self.win_probability_
            self.timing_ = timing_from_slips(history, day, open_weight)
        else:
            self.timing_ = timing_from_cycles(history, day, float(self.win_rates_.rate[-1]))
        if self.timing_.closes == 0:
            raise InsufficientEvidence(f"{self.name}: no close timings before the as-of day")

    def close_chance(self, period: Period) -> FloatArray:
        """Per open deal, the chance its close falls by the end of ``period``, given that it
        was still open on the as-of day."""
        snap, ahead = self.snapshot_, period.end - self.as_of_
        if self.staged_:
            after = self.as_of_ - snap.expected_close  # slip it has already run up
            chance = self.timing_.chance(np.nan_to_num(after), np.nan_to_num(after) + ahead)
            return np.where(np.isnan(after), 0.0, chance)
        age = self.as_of_ - self.history_.created[snap.deal]
        return self.timing_.chance(age, age + ahead)

    def predict(self, period: Period) -> Forecast:
        """Mean, P10, P50 and P90 of the simulated bookings for ``period``."""
        timing = self.close_chance(period)
        keep = timing * self.win_probability_ > 0
        seq = np.random.SeedSequence([self.seed, int(self.as_of_), period.year, period.index])
        rates_seq, deals_seq, new_seq, shock_seq = seq.spawn(4)
        spread, periods = period_spread(self.history_, self.as_of_, period.kind)
        rates = replace(self.win_rates_, period_spread=spread, periods=periods)
        scenarios = max(1, min(self.scenarios, self.n_simulations))
        drawn = rates.draw(np.random.default_rng(rates_seq), scenarios)
        code = self.stage_code_[keep]
        probability = drawn[:, code] * timing[keep]
        totals = simulate_bookings(probability, self.amount_[keep], self.n_simulations, deals_seq)
        new = new_pipeline(self.history_, self.as_of_, period) if self.new_pipeline else None
        if new is not None and new.rate > 0:
            rng = np.random.default_rng(new_seq)
            count = new.draw_counts(rng, self.n_simulations)
            picks = new.amounts[rng.integers(0, new.amounts.size, int(count.sum()))]
            totals = totals + np.bincount(
                np.repeat(np.arange(self.n_simulations), count),
                weights=picks,
                minlength=self.n_simulations,
            )
        record = self._track_record(period) if self.track_record else TrackRecord(0.0, 0)
        uncertain = float(totals.mean())
        if record.spread > 0 and uncertain > 0:
            booked_now = float(self._booked(period)[1].sum())
            sd = min(record.spread * (booked_now + uncertain) / uncertain, 1.0)
            rng = np.random.default_rng(shock_seq)
            totals = totals * np.exp(rng.normal(-sd * sd / 2, sd, self.n_simulations))
        booked = self._booked(period)[1].sum()
        p10, p50, p90 = (float(v) + booked for v in np.percentile(totals, [10, 50, 90]))
        basis = (
            "stage win rates, amount factors and close-date slips"
            if self.staged_
            else "overall win rate, average won amount and cycle times (no stage history)"
        )
        shift = (
            f", period shift of the win rate sd {spread:.2f} (log-odds) from {periods} past periods"
            if spread > 0
            else ""
        )
        how = (
            f"{self.n_simulations:,} simulations in {scenarios} scenarios of {int(keep.sum())} "
            f"open deals with {basis} learned from {self.n_closed_} deals closed before the "
            f"as-of day (win rates drawn from their posterior{shift})"
            f"{new.note if new is not None else ''}{_record_note(record)}"
        )
        expected_open = self.win_probability_[keep] * timing[keep] * self.amount_[keep]
        return self._forecast(
            period,
            self.snapshot_.deal[keep],
            expected_open,
            how,
            from_new=new.expected if new is not None else 0.0,
            expected=float(booked + totals.mean()),
            p10=p10,
            p50=p50,
            p90=p90,
        )

    def _track_record(self, period: Period) -> TrackRecord:
        """How far this method missed past periods from the same point in them."""

        def forecast(day: float, past: Period) -> Forecast:
            method = MonteCarlo(
                n_simulations=min(self.n_simulations, 1000),
                seed=self.seed,
                new_pipeline=self.new_pipeline,
                min_closed=self.min_closed,
                min_deals=self.min_deals,
                scenarios=min(self.scenarios, 50),
                track_record=False,
            )
            return method.fit(self.history_, day).predict(past)

        return track_record(forecast, self.history_, self.as_of_, period)


def _record_note(record: TrackRecord) -> str:
    if not record.periods:
        return ""
    return (
        f"; widened by the track record (log sd {record.spread:.2f} beyond its own ranges "
        f"over {record.periods} past periods)"
    )
