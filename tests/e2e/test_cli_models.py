"""``l2o models train|evaluate`` end to end: a simulated company, JSON out, the gate, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from l2o.entrypoints.cli.app import app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A revenue machine (3,000 leads) loaded by ``l2o simulate --db``: its URL and folder."""
    folder = tmp_path_factory.mktemp("cli-models")
    url = f"sqlite:///{folder / 'l2o.db'}"
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = CliRunner().invoke(
        app,
        [
            "simulate", "--profile", "revenue-machine", "--leads", "3000", "--seed", "5",
            "--csv-dir", str(folder / "csv"), "--db", url,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return url, folder


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["models", *args])
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_reports_every_model_side_by_side(company: tuple[str, Path]) -> None:
    url, folder = company
    spec = str(folder / "csv" / "architecture.yaml")
    code, out, err = _run(
        "evaluate", "--task", "lead-conversion", "--db", url, "--spec", spec, "--json"
    )
    assert code == 0, err
    evaluation = json.loads(out)
    assert set(evaluation["models"]) == {"rules", "naive_bayes", "learned"}
    for report in evaluation["models"].values():
        assert 0.0 < report["brier"] < 0.3
        assert len(report["reliability"]) == 10
    assert evaluation["models"]["learned"]["auc"] > 0.56
    assert "ICP" in evaluation["models"]["rules"]["how"]
    assert evaluation["split"]["train"] > 0
    assert evaluation["split"]["test"] > 0

    code, out, _ = _run("evaluate", "--task", "deal-win", "--db", url)
    assert code == 0
    assert "learned" in out
    assert "Brier" in out
    assert "Calibration" in out


def test_train_writes_the_model_and_says_why_the_rules_stay(
    company: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = company
    models = tmp_path / "models"
    code, out, err = _run("train", "--task", "deal-win", "--db", url, "--models", str(models))
    assert code == 0, err
    assert "the engine keeps the rules" in out
    assert "no AI readiness measured" in out
    document = json.loads((models / "deal-win.json").read_text())
    assert document["use"] == "rules"
    assert document["scorer"]["model"] == "learned"

    ready = tmp_path / "assessment.json"
    ready.write_text(json.dumps({"name": "day 90", "ai_readiness": {"score": 3.2}}))
    code, out, err = _run(
        "train", "--task", "lead-conversion", "--db", url, "--models", str(models),
        "--assessment", str(ready), "--json",
    )  # fmt: skip
    assert code == 0, err
    trained = json.loads(out)
    assert trained["gate"]["ai_readiness"] == 3.2
    assert trained["gate"]["ai_readiness_source"] == "assessment 'day 90'"
    assert Path(trained["path"]) == models / "lead-conversion.json"


@pytest.mark.parametrize(
    ("task", "fragment"),
    [("churn", "l2o retention"), ("upsell", "valid tasks are lead-conversion, deal-win")],
)
def test_unknown_tasks_are_explained(task: str, fragment: str, tmp_path: Path) -> None:
    code, _, err = _run("evaluate", "--task", task, "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 1
    assert fragment in err


def test_an_empty_store_is_one_line_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    code, _, err = _run("evaluate", "--task", "lead-conversion", "--db", url)
    assert code == 1
    assert err.startswith("error: ")
    assert "no leads or deals" in err
