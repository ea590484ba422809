"""``l2o retention`` and ``l2o coach`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from l2o.entrypoints.cli.app import app
from l2o.simulate import simulate, write_csv, write_truth
from l2o.store import upgrade

pytestmark = pytest.mark.e2e

TELCO = (
    Path(__file__).resolve().parents[2].parent
    / "shared/datasets/ibm_telco_customer_churn/Telco-Customer-Churn.csv"
)


def test_retention_on_the_telco_file_reports_its_concordance():
    if not TELCO.exists():
        pytest.skip("IBM Telco dataset not present")
    result = CliRunner().invoke(
        app, ["retention", "--dataset", "telco", str(TELCO), "--top", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["customers"], report["churned"]) == (7043, 1869)
    assert report["concordance"] > 0.8
    assert len(report["at_risk"]) == 2


def test_retention_refuses_an_unknown_dataset(tmp_path: Path):
    result = CliRunner().invoke(app, ["retention", "--dataset", "acme", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown" in result.output


def test_coach_lists_actions_for_the_open_deals_of_a_simulated_company(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'l2o.db'}"
    upgrade(url)
    company = simulate("defined", leads=600, months=12, seed=3)
    write_csv(company, tmp_path / "data")
    spec = write_truth(company, tmp_path / "data" / "truth.json")["architecture"]
    loaded = CliRunner().invoke(
        app, ["import", "--source", "neutral", "--db", url, str(tmp_path / "data")]
    )
    assert loaded.exit_code == 0, loaded.output
    result = CliRunner().invoke(
        app, ["coach", "--db", url, "--spec", str(spec), "--at", "2023-12-31", "--json"]
    )
    assert result.exit_code == 0, result.output
    deals = json.loads(result.output)["deals"]
    assert deals, "a simulated company has open deals at its end"
    for deal in deals:
        criteria = [a for a in deal["actions"] if a["kind"] == "criterion"]
        assert len(criteria) == len(deal["gaps"])
        for gap, action in zip(deal["gaps"], criteria, strict=True):
            assert gap["detail"] in action["text"]
