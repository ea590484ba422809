"""``l2o run`` - the main job as ``make run`` calls it, in a fresh working directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from l2o.entrypoints.cli import app
from l2o.store import current_revision, head_revision

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("L2O_DATABASE_URL", raising=False)
    return tmp_path


def test_run_lints_examples_and_creates_the_default_store(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 0, result.output
    assert "examples/revenue-machine.yaml: valid, 0 error(s), 0 warning(s)" in result.output
    assert "examples/founder-led.yaml: valid" in result.output
    database = workdir / "l2o-data" / "l2o.db"
    assert database.exists()
    assert current_revision(f"sqlite:///{database}") == head_revision()


def test_second_run_has_nothing_to_migrate(workdir: Path) -> None:
    CliRunner().invoke(app, ["run"])
    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 0, result.output
    assert "nothing to migrate" in result.output


def test_invalid_spec_fails_the_run_and_names_the_problem(workdir: Path) -> None:
    broken = (workdir / "examples" / "founder-led.yaml").read_text()
    (workdir / "examples" / "broken.yaml").write_text(
        broken.replace("max_days_in_stage:", "max_day_in_stage:", 1)
    )

    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 1
    assert "examples/broken.yaml: invalid" in result.output
    assert "max_day_in_stage" in result.output
    assert "1 of 3 spec(s) invalid" in result.output


def test_run_without_specs_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 1
    assert "no architecture specs" in result.output
