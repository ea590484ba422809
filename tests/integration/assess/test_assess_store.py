"""Assessing a store: evidence read set-based on SQLite and PostgreSQL, snapshots, Maven."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from sqlalchemy.engine import Engine

from l2o.assess import load_answers
from l2o.assess.contract import assessment_json_schema
from l2o.errors import RecordNotFound
from l2o.ingest import adapter_for
from l2o.services.assessing import assess_store
from l2o.services.assessment_snapshots import compare_snapshots, list_snapshots, load_snapshot
from l2o.services.importing import import_directory

PROJECT_ROOT = Path(__file__).resolve().parents[3]
MAVEN = (
    PROJECT_ROOT.parent
    / "shared"
    / "datasets"
    / "maven_crm_sales_opportunities"
    / "zip_original"
    / "CRM+Sales+Opportunities"
)


def test_an_empty_store_is_assessed_without_evidence(engine: Engine) -> None:
    document = assess_store(engine, save=False)
    jsonschema.validate(document, assessment_json_schema())
    assert document["index"] is None
    assert all(d["score"] is None for d in document["dimensions"].values())
    assert document["cost_of_gap"]["total"] == 0


def test_a_simulated_company_is_assessed_saved_and_compared(
    engine: Engine, company_dir: Path
) -> None:
    import_directory(engine, company_dir, adapter_for("neutral"))
    day0 = assess_store(engine, name="day 0")
    jsonschema.validate(day0, assessment_json_schema())
    measured = [
        m for d in day0["dimensions"].values() for m in d["metrics"] if m["value"] is not None
    ]
    assert len(measured) >= 15
    assert all(m["n"] > 0 for m in measured)
    assert all(d["source"] == "evidence" for d in day0["dimensions"].values())
    assert day0["index"] >= 3.0  # a revenue machine, from its data alone
    assert day0["data_quality"]["score"] is not None
    assert day0["cost_of_gap"]["components"]

    day90 = assess_store(engine, name="day 90")
    assert [s.name for s in list_snapshots(engine)] == ["day 0", "day 90"]
    assert load_snapshot(engine, day0["id"][:8])["index"] == day0["index"]
    comparison = compare_snapshots(engine, "day 0", "day 90")
    assert comparison["before"]["id"] == day0["id"]
    assert comparison["after"]["id"] == day90["id"]
    assert comparison["index"]["change"] == pytest.approx(0.0)
    with pytest.raises(RecordNotFound):
        load_snapshot(engine, "day 365")


def test_maven_lacks_evidence_and_falls_back_to_what_was_said(sqlite_url: str) -> None:
    if not MAVEN.is_dir():
        pytest.skip("the Maven dataset is not available")
    from l2o.store import engine_for, upgrade

    engine = engine_for(sqlite_url)
    upgrade(engine)
    import_directory(
        engine, MAVEN, adapter_for("neutral", PROJECT_ROOT / "examples" / "mappings" / "maven.yaml")
    )
    bare = assess_store(engine, save=False)
    pipeline = {m["name"]: m for m in bare["dimensions"]["pipeline"]["metrics"]}
    # no stage history, no close-date history: insufficient, not invented
    for name in ("exit_criteria_met_share", "stage_skip_share", "close_date_slip_share"):
        assert pipeline[name]["value"] is None
        assert pipeline[name]["note"] == "insufficient evidence"
    for dimension in ("pricing", "lifecycle", "signals"):  # no discounts, renewals or leads
        assert bare["dimensions"][dimension]["score"] is None
        assert bare["dimensions"][dimension]["reason"]
    assert "discount_leakage_beyond_policy" in bare["cost_of_gap"]["not_measured"]

    answers = load_answers({"answers": {"pricing_authority": 2, "lifecycle_renewals": 3}})
    said = assess_store(engine, answers=answers, save=False)
    assert said["dimensions"]["pricing"]["source"] == "self-reported"
    assert said["dimensions"]["pricing"]["score"] == 2.0
    assert said["dimensions"]["lifecycle"]["source"] == "self-reported"
    jsonschema.validate(said, assessment_json_schema())
    engine.dispose()
