"""``l2o attribution`` end to end: path files, the neutral CSV set, JSON, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from l2o.entrypoints.cli import attribution as attribution_cli
from l2o.simulate import simulate, write_csv

pytestmark = pytest.mark.e2e

app = typer.Typer()
app.command("attribution")(attribution_cli.attribution)


@app.command("noop")
def _noop() -> None:
    """Keeps ``attribution`` a named sub-command, as in the real ``l2o`` app."""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["attribution", *args])
    return result.exit_code, result.output


@pytest.fixture
def paths_file(tmp_path: Path) -> Path:
    path = tmp_path / "paths.csv"
    path.write_text(
        "path,total_conversions,total_conversion_value,total_null\na > b > a,1,9,1\nb,0,0,2\n"
    )
    return path


def test_markov_json_from_a_paths_file(paths_file: Path):
    code, output = _run("--model", "markov", "--paths", str(paths_file), "--json")
    assert code == 0, output
    result = json.loads(output)
    assert result["model"] == "markov"
    assert result["channels"]["a"]["conversions"] == pytest.approx(2 / 3)
    assert result["channels"]["b"]["value"] == pytest.approx(3.0)
    assert result["journeys"] == 4


def test_table_says_how_and_from_how_many_journeys(paths_file: Path):
    code, output = _run("--model", "linear", "--paths", str(paths_file))
    assert code == 0, output
    flat = " ".join(output.split())
    assert "split equally over its touches" in flat
    assert "from 4 journeys (2 distinct paths)" in flat


def test_neutral_csv_folder_by_campaign(tmp_path: Path):
    write_csv(simulate("defined", leads=1_500, seed=3), tmp_path)
    code, output = _run("--csv-dir", str(tmp_path), "--outcome", "revenue", "--json")
    assert code == 0, output
    result = json.loads(output)
    assert set(result["channels"]) <= {
        "organic",
        "paid_search",
        "events",
        "outbound",
        "partners",
        "referrals",
    }
    assert "journeys_without_touches" in result["excluded"]
    code, output = _run(
        "--touchpoints",
        str(tmp_path / "touchpoints.csv"),
        "--leads",
        str(tmp_path / "leads.csv"),
        "--by",
        "campaign",
        "--model",
        "position-based",
        "--json",
    )
    assert code == 0, output
    assert all(name.startswith("CA-") for name in json.loads(output)["campaigns"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--model", "magic", "--paths", "x.csv"), "unknown model 'magic'"),
        ((), "give either --paths FILE or --csv-dir DIR"),
        (("--paths", "missing.csv"), "missing.csv: no such file"),
    ],
)
def test_errors_are_one_line_and_exit_1(
    args: tuple[str, ...], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Without a CSV input the command reads the store: an empty one here, never ./l2o-data.
    monkeypatch.setenv("L2O_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, output = _run(*args)
    assert code == 1
    assert message in output
