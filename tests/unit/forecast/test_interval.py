"""The Monte Carlo interval: censored close timing, shared uncertainty, and its coverage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from l2o.analytics.forecast import (
    MonteCarlo,
    backtest,
    read_maven_csv,
    read_neutral_csv,
    simulate_bookings,
)
from l2o.analytics.forecast._timing import CloseTiming, kaplan_meier
from l2o.simulate import simulate, write_csv

DATASETS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"


def test_kaplan_meier_by_hand_with_censoring_and_late_entry():
    # closes at 2 and 4, one censored at 3, one entering late (at 2.5) and closing at 5.
    entry = np.array([-np.inf, -np.inf, -np.inf, 2.5])
    exit = np.array([2.0, 3.0, 4.0, 5.0])
    event = np.array([True, False, True, True])
    times, factor = kaplan_meier(entry, exit, event, np.ones(4))
    # at 2: three at risk (the late one has not entered), one closes -> 2/3;
    # at 4: the censored one has left, two at risk -> 1/2; at 5: one at risk -> 0.
    assert times.tolist() == [2.0, 4.0, 5.0]
    assert factor == pytest.approx([2 / 3, 1 / 2, 0.0])


def test_open_deals_that_linger_lower_the_close_chance():
    """Leaving still-open deals out of the timing curve makes every open deal look about
    to close; censoring them at the as-of day does not."""
    closed_fast = np.full(50, 10.0)
    lingering = np.full(50, 100.0)  # open on the as-of day, 100 days old
    entry = np.full(100, -np.inf)
    exit = np.concatenate([closed_fast, lingering])
    event = np.r_[np.ones(50, bool), np.zeros(50, bool)]
    censored = CloseTiming(*kaplan_meier(entry, exit, event, np.ones(100)), 50, 50)
    closed_only = CloseTiming(*kaplan_meier(entry[:50], exit[:50], event[:50], np.ones(50)), 50, 0)
    young = np.array([5.0])  # a 5-day-old open deal, horizon 10 more days
    assert closed_only.chance(young, young + 10)[0] == pytest.approx(1.0)
    assert censored.chance(young, young + 10)[0] == pytest.approx(0.5)  # half still open
    old = np.array([100.0])  # past every close seen: no evidence it will close soon
    assert censored.chance(old, old + 10)[0] == 0.0


def test_shared_scenarios_widen_the_total_by_the_law_of_total_variance():
    rng = np.random.default_rng(1)
    p, a = rng.uniform(0.2, 0.6, 400), rng.lognormal(8, 0.5, 400)
    factor = np.array([0.7, 1.3])  # two scenarios: a bad period and a good one
    totals = simulate_bookings(factor[:, None] * p, a, 40_000, seed=2)
    within = [((f * p) * (1 - f * p) * a * a).sum() for f in factor]
    means = [(f * p * a).sum() for f in factor]
    expected_var = np.mean(within) + np.var(means)
    assert totals.mean() == pytest.approx(np.mean(means), rel=0.01)
    assert totals.var() == pytest.approx(expected_var, rel=0.05)
    independent = simulate_bookings(p, a, 40_000, seed=2)
    assert totals.std() > 2 * independent.std()


def _coverage(rows: list) -> float:
    ranged = [r for r in rows if r.predicted is not None and r.actual > 0]
    return float(np.mean([r.p10 <= r.actual <= r.p90 for r in ranged]))


def test_p10_p90_covers_about_80_percent_of_simulated_backtests(tmp_path: Path):
    """Three profiles x two seeds, quarters at weeks 2 and 6: 71 backtested periods. When
    written the interval held the actual in 79%; before the fix, 50-83% per company."""
    rows = []
    for profile in ("founder-led", "defined", "revenue-machine"):
        for seed in (1, 2):
            folder = tmp_path / f"{profile}-{seed}"
            write_csv(simulate(profile, leads=5000, seed=seed), folder)
            rows += backtest(
                read_neutral_csv(folder), [lambda: MonteCarlo(n_simulations=2000)], weeks=(2, 6)
            )
    coverage = _coverage(rows)
    assert 0.65 <= coverage <= 0.95, coverage


def test_maven_interval_covers_most_months_despite_no_stage_history():
    path = DATASETS_DIR / (
        "maven_crm_sales_opportunities/zip_original/CRM+Sales+Opportunities/sales_pipeline.csv"
    )
    if not path.exists():
        pytest.skip("Maven dataset not present")
    rows = backtest(
        read_maven_csv(path),
        [lambda: MonteCarlo(n_simulations=2000)],
        kind="month",
        weeks=(1, 2),
    )
    assert _coverage(rows) >= 0.6  # 11% before open deals were censored in the timing
