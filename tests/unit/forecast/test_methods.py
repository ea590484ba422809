"""Forecast methods on hand-built deal histories, the Monte Carlo kernel, and backtests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from l2o.analytics.forecast import (
    METHODS,
    DealHistory,
    InsufficientEvidence,
    MonteCarlo,
    StageConversion,
    WeightedPipeline,
    backtest,
    day_number,
    parse_period,
    read_maven_csv,
    read_neutral_csv,
    score,
    simulate_bookings,
)
from l2o.simulate import simulate, write_csv

Q3 = parse_period("2024Q3")
D = day_number


def _history() -> DealHistory:
    """Deals 0-3 closed in Q1 (A,B reached proposal; A,C won); 4 and 5 open in Q3 at
    proposal and discovery; 6 reached proposal, still open at the as-of day, lost later."""
    stages = ("discovery", "proposal", "closed_won", "closed_lost")
    created = np.array([D("2024-01-02")] * 4 + [D("2024-06-01"), D("2024-06-02"), D("2024-06-03")])
    closed = np.array(
        [
            D("2024-02-01"),
            D("2024-02-02"),
            D("2024-02-03"),
            D("2024-02-04"),
            np.nan,
            np.nan,
            D("2024-08-01"),
        ]
    )
    won = np.array([True, False, True, False, False, False, False])
    amount = np.array([10.0, 20.0, 30.0, 40.0, 100.0, 200.0, 50.0])
    ev = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (3, 0), (4, 0), (4, 1), (5, 0), (6, 0), (6, 1)]
    deal = np.array([d for d, _ in ev])
    return DealHistory(
        ids=np.array([f"OP-{i}" for i in range(7)], dtype=object),
        created=created,
        closed=closed,
        won=won,
        amount=amount,
        owner=np.array(["a", "a", "b", "b", "a", "b", "a"], dtype=object),
        segment=None,
        stages=stages,
        event_deal=deal,
        event_time=created[deal] + np.array([s for _, s in ev], dtype=float),
        event_stage=np.array([s for _, s in ev]),
        event_amount=amount[deal],
        event_close=np.full(deal.size, D("2024-08-15")),
        change_deal=np.zeros(0, np.int64),
        change_time=np.zeros(0),
        change_close=np.zeros(0),
        probabilities={"discovery": 0.1, "proposal": 0.6},
    )


def test_weighted_pipeline_by_hand():
    f = WeightedPipeline().fit(_history(), "2024-07-10").predict(Q3)
    assert f.expected == pytest.approx(0.6 * 100 + 0.1 * 200 + 0.6 * 50)
    assert f.by(np.array(["a", "a", "b", "b", "a", "b", "a"], dtype=object)) == {
        "a": pytest.approx(90.0),
        "b": pytest.approx(20.0),
    }


def test_stage_conversion_by_hand_without_look_ahead():
    model = StageConversion(min_closed=2, min_deals=1).fit(_history(), "2024-07-10")
    # discovery: A,B,C,D reached it, A and C won -> 0.5; proposal: A won, B lost -> 0.5.
    # Deal 6 (lost 2024-08-01, after the as-of day) teaches nothing.
    assert model.win_rate_[:2] == pytest.approx([0.5, 0.5])
    assert model.predict(Q3).expected == pytest.approx(0.5 * (100 + 200 + 50))


def test_stage_conversion_says_insufficient_without_history():
    history = _history()
    bare = DealHistory(**{**history.__dict__, "event_deal": np.zeros(0, np.int64)})
    with pytest.raises(InsufficientEvidence):
        StageConversion().fit(bare, "2024-07-10")


def test_monte_carlo_mean_matches_sum_of_probabilities_times_amounts():
    rng = np.random.default_rng(3)
    p, a = rng.uniform(0, 1, 2000), rng.lognormal(8, 1, 2000)
    totals = simulate_bookings(p, a, 20_000, seed=5)
    sd = np.sqrt((p * (1 - p) * a * a).sum()) / np.sqrt(totals.size)
    assert abs(totals.mean() - (p * a).sum()) < 5 * sd  # a 5-sigma miss: ~1 in 3.5 million
    assert totals.std() == pytest.approx(np.sqrt((p * (1 - p) * a * a).sum()), rel=0.03)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rm")
    write_csv(simulate(profile="revenue-machine", leads=5000, seed=1), path)
    return path


def test_monte_carlo_percentiles_are_ordered(company: Path):
    f = MonteCarlo(n_simulations=2000).fit(read_neutral_csv(company), Q3.week(2)).predict(Q3)
    assert f.p10 is not None
    assert f.p50 is not None
    assert f.p90 is not None
    assert f.booked <= f.p10 <= f.p50 <= f.p90


def test_backtest_on_a_simulated_company_gives_finite_mape(company: Path):
    scores = score(backtest(read_neutral_csv(company), list(METHODS.values()), weeks=(2,)))
    assert {s.method for s in scores} == set(METHODS)
    assert all(s.mape is not None and np.isfinite(s.mape) for s in scores)


def test_maven_backtest_names_methods_without_evidence():
    path = Path(__file__).parents[3] / (
        "../shared/datasets/maven_crm_sales_opportunities/zip_original/"
        "CRM+Sales+Opportunities/sales_pipeline.csv"
    )
    if not path.exists():
        pytest.skip("Maven dataset not present")
    scores = score(backtest(read_maven_csv(path), list(METHODS.values()), kind="month", weeks=(1,)))
    lacking = {s.method for s in scores if s.periods == 0}
    assert lacking == {"weighted_pipeline", "stage_conversion", "category_rollup"}
    assert all("stage" in s.reason for s in scores if s.method in lacking)
    assert next(s for s in scores if s.method == "monte_carlo").mape is not None


def test_pipeline_maturity_lowers_stage_conversion_error(tmp_path: Path):
    """Pipeline maturity 4 vs 0 (profile ``defined``, 5,000 leads, seed 1): week-2 MAPE of
    stage conversion was 12.3% vs 28.9% when written; the test asks only that it is lower."""
    mape = {}
    for level in (0, 4):
        folder = tmp_path / str(level)
        write_csv(simulate("defined", {"pipeline": level}, leads=5000, seed=1), folder)
        rows = backtest(read_neutral_csv(folder), [StageConversion], weeks=(2,))
        mape[level] = score(rows)[0].mape
    assert mape[4] is not None
    assert mape[0] is not None
    assert mape[4] < mape[0]
