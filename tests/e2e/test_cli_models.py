"""``l2o models train|evaluate`` end to end: a simulated company, JSON out, the gate, errors;
churn evaluated in the same shape."""

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


@pytest.fixture(scope="module")
def churning(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A founder-led company over three years (10,000 leads), enough churns to split: its URL."""
    folder = tmp_path_factory.mktemp("cli-churn")
    url = f"sqlite:///{folder / 'l2o.db'}"
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = CliRunner().invoke(
        app,
        [
            "simulate", "--profile", "founder-led", "--leads", "10000", "--months", "36",
            "--seed", "2", "--csv-dir", str(folder / "csv"), "--db", url,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return url


def test_churn_is_evaluated_like_the_other_tasks(churning: str) -> None:
    code, out, err = _run("evaluate", "--task", "churn", "--db", churning, "--json")
    assert code == 0, err
    evaluation = json.loads(out)
    assert evaluation["task"] == "churn"
    assert set(evaluation["models"]) == {"rules", "learned"}
    for report in evaluation["models"].values():
        assert 0.0 <= report["auc"] <= 1.0
        assert 0.0 < report["brier"] < 0.25
        assert len(report["reliability"]) == 10
        assert (
            sum(b["n"] for b in report["reliability"]) == report["n"] == evaluation["split"]["test"]
        )
        assert report["positives"] >= 10
    assert "health score" in evaluation["models"]["rules"]["how"]
    assert evaluation["models"]["learned"]["auc"] > evaluation["models"]["rules"]["auc"]
    assert evaluation["split"]["train"] > 0
    assert {"drift", "features", "notes", "train_outcomes"} <= set(evaluation)

    code, out, _ = _run("evaluate", "--task", "churn", "--db", churning)
    assert code == 0
    assert "churn: time-ordered hold-out" in " ".join(out.split())
    assert "Calibration" in out
    assert "Brier" in out


def test_churn_has_nothing_to_train(churning: str, tmp_path: Path) -> None:
    code, _, err = _run("train", "--task", "churn", "--db", churning, "--models", str(tmp_path))
    assert code == 1
    assert "fitted on demand by l2o retention" in " ".join(err.split())
    assert not list(tmp_path.iterdir())


def test_too_few_churns_is_insufficient_evidence(company: tuple[str, Path]) -> None:
    url, _ = company
    code, _, err = _run("evaluate", "--task", "churn", "--db", url)
    assert code == 1
    assert err.startswith("error: churn: insufficient evidence")


def test_unknown_tasks_are_explained(tmp_path: Path) -> None:
    code, _, err = _run("evaluate", "--task", "upsell", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 1
    assert "valid tasks are lead-conversion, deal-win, churn" in err


def test_an_empty_store_is_one_line_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    code, _, err = _run("evaluate", "--task", "lead-conversion", "--db", url)
    assert code == 1
    assert err.startswith("error: ")
    assert "no leads or deals" in err
