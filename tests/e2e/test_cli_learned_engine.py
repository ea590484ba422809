"""``l2o models status`` and ``l2o lead add`` end to end: the engine uses the learned model the
gate switched on, and says why it keeps the rules otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from l2o.entrypoints.cli.app import app
from l2o.entrypoints.server import create_app
from l2o.services.access import add_user, create_token
from l2o.store import engine_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """A simulated revenue machine in a store, its spec, and a folder where the
    lead-conversion model was trained with the gate switched on (deal-win not trained)."""
    folder = tmp_path_factory.mktemp("cli-learned")
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
    ready = folder / "assessment.json"
    ready.write_text(json.dumps({"name": "ready", "ai_readiness": {"score": 3.2}}))
    models = folder / "models"
    spec = folder / "csv" / "architecture.yaml"
    result = CliRunner().invoke(
        app,
        [
            "models", "train", "--task", "lead-conversion", "--db", url, "--spec", str(spec),
            "--assessment", str(ready), "--models", str(models),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return url, spec, models


def test_status_says_what_the_engine_uses_and_why(trained: tuple[str, Path, Path]) -> None:
    _, _, models = trained
    result = CliRunner().invoke(app, ["models", "status", "--models", str(models), "--json"])
    assert result.exit_code == 0, result.output
    tasks = json.loads(result.stdout)["tasks"]
    assert tasks["lead-conversion"]["use"] == "learned"
    assert any("AI readiness 3.2" in why for why in tasks["lead-conversion"]["why"])
    assert tasks["deal-win"]["use"] == "rules"
    assert any("no trained model" in why for why in tasks["deal-win"]["why"])
    text = CliRunner().invoke(app, ["models", "status", "--models", str(models)]).stdout
    assert "deal-win: the engine uses the rules" in text


def test_lead_add_prints_the_probability_or_why_not(
    trained: tuple[str, Path, Path], tmp_path: Path
) -> None:
    url, spec, models = trained
    base = ["lead", "add", "--email", "ana@nowhere.example", "--title", "CFO", "--no-route"]
    base += ["--spec", str(spec), "--db", url, "--at", "2026-01-05T10:00:00+00:00"]
    result = CliRunner().invoke(app, [*base, "--models", str(models), "--json"])
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)
    assert 0.0 < added["conversion_probability"] < 1.0
    assert added["learned_reasons"][0].startswith("lead-conversion probability")

    result = CliRunner().invoke(app, [*base, "--models", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    assert "conversion probability" not in result.stdout
    assert "lead-conversion model off" in result.stdout
    assert "no trained model" in result.stdout


def test_the_api_and_the_dashboard_score_with_the_model_the_server_was_given(
    trained: tuple[str, Path, Path], tmp_path: Path
) -> None:
    url, spec, models = trained
    engine = engine_for(url)
    token = create_token(engine, add_user(engine, name="Ada Api", access_role="admin"))
    lead = {"email": "bo@nowhere.example", "title": "CFO", "route": False}
    lead["at"] = "2026-01-05T10:00:00+00:00"
    for folder, learned in ((models, True), (tmp_path / "none", False)):
        with TestClient(create_app(engine, spec=spec, models_dir=folder)) as client:
            answer = client.post(
                "/api/leads", json=lead, headers={"Authorization": f"Bearer {token}"}
            )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        if learned:
            assert 0.0 < body["conversion_probability"] < 1.0
            assert body["learned_reasons"][0].startswith("lead-conversion probability")
        else:
            assert body["conversion_probability"] is None
            assert any("no trained model" in why for why in body["learned_reasons"])
