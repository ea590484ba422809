"""``l2o spec check|schema`` run as a user runs them: in-process and as the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from l2o.entrypoints.cli import app

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((PROJECT_ROOT / "examples").glob("*.yaml"))
SCHEMA = PROJECT_ROOT / "schemas" / "architecture.schema.json"
L2O = Path(sys.executable).with_name("l2o")

pytestmark = pytest.mark.e2e

MISSPELLED = """\
version: 1
company: {name: Acme}
pipeline:
  pipelines:
    - id: new_business
      deal_type: new_business
      stages:
        - {id: discovery, probability: 10, forecast_category: pipeline, max_day_in_stage: 14}
"""


@pytest.fixture
def misspelled_spec(tmp_path: Path) -> Path:
    path = tmp_path / "misspelled.yaml"
    path.write_text(MISSPELLED, encoding="utf-8")
    return path


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_check_passes_on_each_example(example: Path) -> None:
    result = CliRunner().invoke(app, ["spec", "check", str(example)])
    assert result.exit_code == 0, result.output
    assert f"{example}: ok" in result.output


def test_strict_fails_on_warnings() -> None:
    founder = PROJECT_ROOT / "examples" / "founder-led.yaml"
    result = CliRunner().invoke(app, ["spec", "check", "--strict", str(founder)])
    assert result.exit_code == 1
    assert "stage_without_exit_criteria" in result.output


def test_misspelled_field_fails_with_path_and_suggestion(misspelled_spec: Path) -> None:
    result = CliRunner().invoke(app, ["spec", "check", str(misspelled_spec)])
    assert result.exit_code == 1
    assert "pipeline.pipelines[0].stages[0]" in result.output
    assert "unknown field 'max_day_in_stage'" in result.output
    assert "did you mean 'max_days_in_stage'?" in result.output


def test_json_output_lists_each_file(misspelled_spec: Path) -> None:
    good = PROJECT_ROOT / "examples" / "revenue-machine.yaml"
    result = CliRunner().invoke(app, ["spec", "check", "--json", str(good), str(misspelled_spec)])
    assert result.exit_code == 1
    files = json.loads(result.output)["files"]
    assert [f["ok"] for f in files] == [True, False]
    (error,) = files[1]["errors"]
    assert error["path"] == "pipeline.pipelines[0].stages[0]"
    assert error["hint"] == "did you mean 'max_days_in_stage'?"


def test_schema_prints_the_committed_schema() -> None:
    result = CliRunner().invoke(app, ["spec", "schema"])
    assert result.exit_code == 0
    assert result.output == SCHEMA.read_text(encoding="utf-8")
    assert json.loads(result.output)["title"] == "L2O architecture spec"


def test_schema_out_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = CliRunner().invoke(app, ["spec", "schema", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == SCHEMA.read_text(encoding="utf-8")


def test_installed_script_checks_examples_and_rejects_typos(misspelled_spec: Path) -> None:
    ok = subprocess.run(
        [str(L2O), "spec", "check", *map(str, EXAMPLES)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run(
        [str(L2O), "spec", "check", str(misspelled_spec)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 1
    assert "pipeline.pipelines[0].stages[0]" in bad.stdout
    assert "did you mean 'max_days_in_stage'?" in bad.stdout
    schema = subprocess.run(
        [str(L2O), "spec", "schema"], capture_output=True, text=True, check=False, timeout=120
    )
    assert schema.returncode == 0
    assert json.loads(schema.stdout) == json.loads(SCHEMA.read_text(encoding="utf-8"))
