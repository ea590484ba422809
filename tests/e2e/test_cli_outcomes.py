"""``l2o outcomes`` end to end on a small simulated company: the report's files, a PDF with
pages, and figures equal to what ``l2o metrics --json`` and ``l2o forecast --json`` print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from l2o.entrypoints.cli import app

pytestmark = pytest.mark.e2e


def _ok(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite store holding a simulated company of 800 leads over two years."""
    folder = tmp_path_factory.mktemp("outcomes-cli")
    url = f"sqlite:///{folder / 'l2o.db'}"
    _ok("db", "upgrade", "--db", url)
    _ok("simulate", "--leads", "800", "--seed", "4", "--db", url, "--csv-dir", str(folder / "csv"))
    return url


def test_outcomes_writes_the_report_and_figures_the_commands_agree_with(store: str, tmp_path: Path):
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["outcomes", "--out", str(out), "--db", store])
    assert result.exit_code == 0, result.output

    files = [out / name for name in ("outcomes.html", "outcomes.pdf", "outcomes.json")]
    assert all(path.is_file() for path in files)
    last = result.stdout.strip().splitlines()[-1]
    assert all(str(path) in last for path in files)
    assert len(PdfReader(files[1]).pages) >= 3

    figures = json.loads(files[2].read_text(encoding="utf-8"))
    period = figures["period"]
    assert period  # the quarter still open on the store's last day

    metrics = json.loads(_ok("metrics", "--db", store, "--json"))
    assert figures["sections"]["metrics"]["metrics"] == metrics["metrics"]
    assert figures["sections"]["metrics"]["end"] == metrics["end"]

    forecast = json.loads(_ok("forecast", "--db", store, "--period", period, "--json"))
    shown = figures["sections"]["forecast"]
    assert shown["methods"] == forecast["methods"]
    assert (shown["period"], shown["as_of"]) == (forecast["period"], forecast["as_of"])

    backtest = json.loads(
        _ok("forecast", "--db", store, "--period", period, "--backtest", "--json")
    )
    assert figures["sections"]["track_record"]["scores"] == backtest["backtest"]


def test_outcomes_json_prints_the_figures_and_names_the_files_on_stderr(store: str, tmp_path: Path):
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["outcomes", "--out", str(out), "--db", store, "--period", "2025Q2", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures == json.loads((out / "outcomes.json").read_text(encoding="utf-8"))
    assert figures["period"] == "2025Q2"
    assert str(out / "outcomes.pdf") in result.stderr


def test_outcomes_refuses_a_bad_period_in_one_line(store: str, tmp_path: Path):
    result = CliRunner().invoke(
        app, ["outcomes", "--out", str(tmp_path), "--db", store, "--period", "Q3"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: period 'Q3'")
    assert not (tmp_path / "outcomes.pdf").exists()
