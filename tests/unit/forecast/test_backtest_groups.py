"""Backtests per owner and segment: each forecast split by the deals it came from, against
what each owner's (segment's) deals booked; pipeline not yet created is its own group."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from l2o.analytics.forecast import (
    NEW_PIPELINE,
    DealHistory,
    ForecastError,
    backtest,
    read_neutral_csv,
    score,
)
from l2o.services.forecasting import backtest_methods, method_makers
from l2o.simulate import simulate, write_csv


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> DealHistory:
    path = tmp_path_factory.mktemp("grouped")
    write_csv(simulate(profile="defined", leads=2500, months=18, seed=2), path)
    return read_neutral_csv(path)


@pytest.fixture(scope="module")
def rows(history: DealHistory) -> list:
    assert history.owner is not None
    return backtest(history, method_makers(300, 0), weeks=(2,), labels=history.owner)


def test_the_groups_add_up_to_the_whole_company(rows: list) -> None:
    whole = {(r.method, r.period, r.week): r for r in rows if r.group == ""}
    actual: dict[tuple, float] = defaultdict(float)
    predicted: dict[tuple, float] = defaultdict(float)
    for r in rows:
        if r.group and r.predicted is not None:
            actual[(r.method, r.period, r.week)] += r.actual
            predicted[(r.method, r.period, r.week)] += r.predicted
    assert predicted, "some method forecast some period"
    for key, total in predicted.items():
        assert actual[key] == pytest.approx(whole[key].actual, rel=1e-9, abs=1e-6)
        # Monte Carlo's total is its simulations' mean; its parts are each deal's
        # expectation and the new pipeline's simulated mean: equal up to simulation noise.
        exact = key[0] != "monte_carlo"
        tolerance = {"rel": 1e-9, "abs": 1e-6} if exact else {"rel": 0.1}
        assert total == pytest.approx(whole[key].predicted, **tolerance)


def test_only_a_method_that_models_new_pipeline_predicts_it(rows: list) -> None:
    new = [r for r in rows if r.group == NEW_PIPELINE and r.predicted is not None]
    assert {r.predicted for r in new if r.method != "monte_carlo"} == {0.0}
    assert any(r.predicted > 0 for r in new if r.method == "monte_carlo")


def test_every_owner_is_scored_and_the_whole_company_scores_as_without_groups(
    history: DealHistory, rows: list
) -> None:
    grouped = score(rows)
    plain = score(backtest(history, method_makers(300, 0), weeks=(2,)))
    whole = [s for s in grouped if s.group == ""]
    assert [(s.method, s.mape, s.bias) for s in whole] == [
        (s.method, s.mape, s.bias) for s in plain
    ]
    owners = {s.group for s in grouped if s.group and s.group != NEW_PIPELINE}
    assert owners <= set(np.asarray(history.owner).astype(str))
    assert len(owners) > 1
    for s in grouped:
        if s.group:
            assert s.coverage is None  # no P10-P90 per group


def test_the_use_case_splits_by_segment_and_refuses_a_grouping_it_lacks(
    history: DealHistory,
) -> None:
    scores = backtest_methods(history, "quarter", (2,), simulations=300, by="segment")
    assert {s.group for s in scores} - {""}
    with pytest.raises(ForecastError, match="use one of owner, segment"):
        backtest_methods(history, "quarter", (2,), simulations=300, by="region")
