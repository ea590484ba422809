"""The forecasting use case: every method over one period, each one's forecast or the error
that stopped it, the default period and as-of day, and the backtest with the same methods."""

from __future__ import annotations

import numpy as np
import pytest
from test_track_record import HISTORY

from l2o.analytics.forecast import (
    METHODS,
    DealHistory,
    ForecastError,
    ForecastMethod,
    InsufficientEvidence,
    MonteCarlo,
    Snapshot,
    parse_period,
)
from l2o.services import forecasting
from l2o.services.forecasting import (
    default_as_of,
    default_period,
    forecast_period,
    method_makers,
)

Q4 = parse_period("2024Q4")


class _Broken(ForecastMethod):
    """A method that fails with an error other than insufficient evidence."""

    name = "broken"

    def _learn(self, history: DealHistory, snapshot: Snapshot) -> None:
        raise ForecastError("broken: the deal OP-7 has no amount")

    def predict(self, period):  # pragma: no cover - never reached
        raise AssertionError


def test_the_makers_are_every_method_with_monte_carlo_settings():
    makers = method_makers(simulations=700, seed=3)
    methods = [make() for make in makers]
    assert {m.name for m in methods} == set(METHODS)
    (mc,) = [m for m in methods if isinstance(m, MonteCarlo)]
    assert (mc.n_simulations, mc.seed) == (700, 3)


def test_a_failing_method_keeps_its_error_and_the_others_forecast(monkeypatch):
    real = forecasting.method_makers
    monkeypatch.setattr(forecasting, "method_makers", lambda s, seed: [*real(s, seed), _Broken])
    result = forecast_period(HISTORY, "2024Q4", as_of=Q4.start + 20, simulations=300)

    broken = result.methods["broken"]
    assert broken.forecast is None
    assert not broken.insufficient
    assert broken.as_json() == {"expected": None, "how": "broken: the deal OP-7 has no amount"}
    # no stage history: the methods that need it say so, Monte Carlo still forecasts
    assert result.methods["weighted_pipeline"].insufficient
    assert isinstance(result.methods["weighted_pipeline"].error, InsufficientEvidence)
    assert (
        result.methods["weighted_pipeline"].as_json()["how"].startswith("insufficient evidence: ")
    )
    mc = result.methods["monte_carlo"].forecast
    assert mc is not None
    assert mc.p10 is not None
    assert mc.p10 <= mc.expected
    data = result.as_json()
    assert list(data) == ["period", "as_of", "source", "methods"]
    assert data["methods"]["monte_carlo"]["expected"] == mc.expected
    assert data["as_of"] == "2024-10-21"


def test_a_period_that_ended_before_the_as_of_day_is_one_error():
    with pytest.raises(ForecastError, match="2024Q3 ended before the as-of day"):
        forecast_period(HISTORY, "2024Q3", as_of="2024-10-02")


def test_the_default_period_and_day():
    last = HISTORY.last_day
    current = default_period(HISTORY, "quarter")
    assert current.start <= last + 1 < current.end
    # the period holding the data's last day: that day; one still to come: the data's last
    # day, or (from_start) the period's own first day; one that ended: its last day
    assert default_as_of(HISTORY, current) == min(last, current.end - 1)
    later = current.next().next()
    assert default_as_of(HISTORY, later) == last
    assert default_as_of(HISTORY, later, from_start=True) == later.start
    assert default_as_of(HISTORY, Q4.previous()) == Q4.start - 1
    result = forecast_period(HISTORY, later, simulations=300)
    assert result.as_of == last
    assert result.period == later


def test_the_backtest_scores_every_method_at_each_week():
    scores = forecasting.backtest_methods(HISTORY, "quarter", (2,), simulations=300)
    assert {s.method for s in scores} == set(METHODS)
    assert {s.week for s in scores} == {2}
    mc = [s for s in scores if s.method == "monte_carlo"]
    assert mc
    assert mc[0].mape is not None
    assert np.isfinite(mc[0].mape)
