"""``l2o forecast`` end to end on a small simulated company."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from l2o.analytics.forecast import ForecastError, MonteCarlo
from l2o.entrypoints.cli.forecast import forecast
from l2o.services import forecasting
from l2o.simulate import simulate, write_csv

pytestmark = pytest.mark.e2e

app = typer.Typer()
app.command("forecast")(forecast)


@app.command("noop")
def _noop() -> None:
    """Keeps ``forecast`` a named sub-command, as in the real ``l2o`` app."""


def test_forecast_json_with_backtest(tmp_path: Path):
    write_csv(simulate(profile="defined", leads=2000, seed=2), tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "forecast",
            "--csv-dir",
            str(tmp_path),
            "--period",
            "2024Q3",
            "--as-of",
            "2024-07-15",
            "--backtest",
            "--simulations",
            "500",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["methods"]["monte_carlo"]["p10"] <= data["methods"]["monte_carlo"]["p90"]
    assert {s["method"] for s in data["backtest"]} >= {"weighted_pipeline", "monte_carlo"}


def test_forecast_refuses_a_bad_period(tmp_path: Path):
    result = CliRunner().invoke(app, ["forecast", "--csv-dir", str(tmp_path), "--period", "Q3"])
    assert result.exit_code == 1


def test_forecast_of_a_period_ended_before_the_as_of_day_is_one_line(tmp_path: Path):
    write_csv(simulate(profile="defined", leads=500, seed=2), tmp_path)
    args = ["forecast", "--csv-dir", str(tmp_path), "--period", "2024Q2", "--as-of", "2024-07-02"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: 2024Q2 ended before the as-of day: nothing to forecast"
    ]


def test_a_method_that_fails_says_why_in_its_row(tmp_path: Path, monkeypatch):
    """Any forecasting error of one method (not only insufficient evidence) becomes that
    method's one-line reason; the other methods still forecast."""

    class Broken(MonteCarlo):
        name = "broken"

        def _learn(self, history, snapshot):
            raise ForecastError("broken: deal OP-3 has no close date")

    real = forecasting.method_makers
    monkeypatch.setattr(forecasting, "method_makers", lambda s, seed: [*real(s, seed), Broken])
    write_csv(simulate(profile="defined", leads=2000, seed=2), tmp_path)
    args = ["forecast", "--csv-dir", str(tmp_path), "--period", "2024Q3", "--as-of", "2024-07-15"]
    result = CliRunner().invoke(app, [*args, "--simulations", "300", "--json"])
    assert result.exit_code == 0, result.output
    methods = json.loads(result.output)["methods"]
    assert methods["broken"] == {"expected": None, "how": "broken: deal OP-3 has no close date"}
    assert methods["monte_carlo"]["expected"] is not None


def test_the_backtest_by_owner_scores_each_owner_and_needs_backtest(tmp_path: Path):
    write_csv(simulate(profile="defined", leads=2000, seed=2), tmp_path)
    args = ["forecast", "--csv-dir", str(tmp_path), "--period", "2024Q3", "--by", "owner"]

    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 1
    assert "--backtest" in refused.output

    result = CliRunner().invoke(app, [*args, "--backtest", "--simulations", "300", "--json"])
    assert result.exit_code == 0, result.output
    groups = {s["group"] for s in json.loads(result.output)["backtest"]}
    assert "" in groups  # the whole company
    assert "(pipeline not yet created)" in groups
    assert len(groups) > 3  # and each owner

    table = CliRunner().invoke(app, [*args, "--backtest", "--simulations", "300"])
    assert table.exit_code == 0, table.output
    assert "(all)" in table.output
