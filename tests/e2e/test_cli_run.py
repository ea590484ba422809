"""``l2o run`` - the main job as ``make run`` calls it, in a fresh working directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from l2o.entrypoints.cli import app
from l2o.spec import check_spec
from l2o.store import SqlAlchemyUnitOfWork, current_revision, engine_for, head_revision

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("L2O_DATABASE_URL", raising=False)
    return tmp_path


SMALL = ["--leads", "300"]


def test_run_lints_migrates_and_loads_a_simulated_company(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["run", *SMALL])

    assert result.exit_code == 0, result.output
    assert "examples/revenue-machine.yaml: valid, 0 error(s), 0 warning(s)" in result.output
    assert "examples/founder-led.yaml: valid" in result.output
    database = workdir / "l2o-data" / "l2o.db"
    assert current_revision(f"sqlite:///{database}") == head_revision()
    with SqlAlchemyUnitOfWork(engine_for(f"sqlite:///{database}")) as uow:
        assert uow.leads.count() >= 300
        assert uow.opportunities.count() > 0
    simulated = workdir / "l2o-data" / "simulated"
    assert (simulated / "leads.csv").exists()
    assert (simulated / "truth.json").exists()


def test_run_ends_with_the_assessment_and_its_deliverables(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["run", *SMALL])

    assert result.exit_code == 0, result.output
    out = workdir / "l2o-out"
    document = json.loads((out / "assessment.json").read_text())
    assert set(document["dimensions"]) == {
        "icp", "pipeline", "signals", "commercial", "pricing", "lifecycle"
    }  # fmt: skip
    for name in ("report.html", "report.pdf", "board-brief.pdf", "plan.md", "ai-readiness.md"):
        assert (out / name).stat().st_size > 0, name
    assert check_spec(out / "architecture.proposed.yaml").ok
    assert (out / "crm" / "salesforce" / "package.xml").exists()
    assert list((out / "crm" / "hubspot" / "pipelines").glob("*.json"))
    assert "assessed: L2O Index" in result.output


def test_second_run_migrates_nothing_and_simulates_nothing(workdir: Path) -> None:
    CliRunner().invoke(app, ["run", *SMALL])
    database = f"sqlite:///{workdir / 'l2o-data' / 'l2o.db'}"
    with SqlAlchemyUnitOfWork(engine_for(database)) as uow:
        leads_after_first_run = uow.leads.count()

    result = CliRunner().invoke(app, ["run", *SMALL])

    assert result.exit_code == 0, result.output
    assert "nothing to migrate" in result.output
    assert "no company simulated" in result.output
    with SqlAlchemyUnitOfWork(engine_for(database)) as uow:
        assert uow.leads.count() == leads_after_first_run


def test_run_imports_the_data_it_is_given(workdir: Path) -> None:
    export = workdir / "export"
    CliRunner().invoke(app, ["simulate", "--leads", "200", "--seed", "3", "--csv-dir", str(export)])

    result = CliRunner().invoke(app, ["run", "--data", str(export)])

    assert result.exit_code == 0, result.output
    assert "simulating" not in result.output
    database = f"sqlite:///{workdir / 'l2o-data' / 'l2o.db'}"
    with SqlAlchemyUnitOfWork(engine_for(database)) as uow:
        assert uow.leads.count() >= 200


def test_invalid_spec_fails_the_run_and_names_the_problem(workdir: Path) -> None:
    broken = (workdir / "examples" / "founder-led.yaml").read_text()
    (workdir / "examples" / "broken.yaml").write_text(
        broken.replace("max_days_in_stage:", "max_day_in_stage:", 1)
    )

    result = CliRunner().invoke(app, ["run", *SMALL])

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
