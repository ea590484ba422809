"""``l2o forecast`` end to end on a small simulated company."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from l2o.entrypoints.cli.forecast import forecast
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
