"""``l2o simulate`` end to end: files written, byte-stable, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from l2o.entrypoints.cli import simulate as simulate_cli
from l2o.simulate import TABLE_ORDER
from l2o.spec import check_spec

pytestmark = pytest.mark.e2e

app = typer.Typer()
app.command("simulate")(simulate_cli.simulate)


@app.command("noop")
def _noop() -> None:
    """Keeps ``simulate`` a named sub-command, as in the real ``l2o`` app."""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["simulate", *args])
    return result.exit_code, result.output


def test_writes_the_csv_set_truth_and_a_valid_spec(tmp_path: Path):
    out = tmp_path / "company"
    code, output = _run(
        "--profile", "founder-led", "--leads", "2000", "--seed", "3", "--csv-dir", str(out)
    )
    assert code == 0, output
    for name in TABLE_ORDER:
        header = (out / f"{name}.csv").read_bytes().split(b"\n", 1)[0]
        assert header.startswith(b"id,")
    truth = json.loads((out / "truth.json").read_text())
    assert truth["profile"] == "founder-led"
    assert (out / "duplicates.csv").exists()
    report = check_spec(out / "architecture.yaml")
    assert not report.errors
    assert "leads" in output
    assert f"{out}" in output.replace("\n", "")


def test_same_seed_same_files_and_maturity_override(tmp_path: Path):
    args = ("--profile", "defined", "--maturity", "pricing=4", "--leads", "1500", "--seed", "9")
    assert _run(*args, "--csv-dir", str(tmp_path / "a"))[0] == 0
    assert _run(*args, "--csv-dir", str(tmp_path / "b"))[0] == 0
    for name in (*TABLE_ORDER, "truth.json", "duplicates.csv", "architecture.yaml"):
        file = name if "." in name else f"{name}.csv"
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    truth = json.loads((tmp_path / "a" / "truth.json").read_text())
    assert truth["maturity"]["pricing"] == 4


def test_truth_path_can_be_chosen(tmp_path: Path):
    code, _ = _run(
        "--leads",
        "500",
        "--csv-dir",
        str(tmp_path / "csv"),
        "--truth",
        str(tmp_path / "t" / "truth.json"),
    )
    assert code == 0
    assert (tmp_path / "t" / "architecture.yaml").exists()


def test_default_folder_is_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    code, output = _run("--leads", "500")
    assert code == 0
    assert "l2o-data/simulated" in output
    assert (tmp_path / "l2o-data" / "simulated" / "leads.csv").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--profile", "unicorn"), "valid profiles: founder-led"),
        (("--maturity", "speed=2"), "speed=2"),
        (("--maturity", "icp=9"), "0-4"),
    ],
)
def test_bad_input_is_explained(args: tuple[str, ...], fragment: str):
    code, output = _run(*args, "--leads", "500")
    assert code != 0
    assert fragment in " ".join(output.split())
