"""Learned scoring over the store: examples read set-based, evaluated, trained and gated."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.analytics.models import CalibratedLogit, LeakingFeature
from l2o.ingest import adapter_for
from l2o.services.assessing import assess_store
from l2o.services.importing import import_directory
from l2o.services.modeling import (
    active_scorer,
    evaluate_task,
    load_model,
    read_examples,
    train_task,
)
from l2o.spec import load_spec
from l2o.store import schema as t


def _load(engine: Engine, directory: Path) -> None:
    import_directory(engine, directory, adapter_for("neutral"))


def test_lead_examples_use_only_what_was_known_at_the_scoring_moment(
    engine: Engine, machine_dir: Path
) -> None:
    _load(engine, machine_dir)
    spec = load_spec(machine_dir / "architecture.yaml")
    examples = read_examples(engine, "lead-conversion", spec=spec)
    with engine.connect() as conn:
        leads = conn.execute(sa.select(sa.func.count()).select_from(t.leads)).scalar()
        touches = conn.execute(
            sa.select(sa.func.count()).where(t.touchpoints.c.lead_id.is_not(None))
        ).scalar()
    assert 0.95 * leads <= len(examples) <= leads
    positives, negatives = examples.counts()
    assert positives > 300
    assert negatives > 1_000
    # Touches after the scoring moment (passenger touches after conversion among them) are cut.
    assert 0 < examples.columns["touches"].sum() < touches
    assert {"channel", "seniority", "account_industry", "first_touch_minutes"} <= set(
        examples.columns
    )
    assert any(name.startswith("touched:") for name in examples.columns)
    known = examples.labelled
    assert (examples.label_known_at[known] >= examples.scored_at[known]).all()
    assert not np.isnan(examples.rule_score).all()
    assert "ICP" in examples.rule_how
    with pytest.raises(LeakingFeature, match="converted_at"):
        read_examples(engine, "lead-conversion", features=["channel", "converted_at"])


def test_evaluation_on_the_store_beats_random_without_training_on_the_future(
    engine: Engine, machine_dir: Path
) -> None:
    _load(engine, machine_dir)
    spec = load_spec(machine_dir / "architecture.yaml")
    for task in ("lead-conversion", "deal-win"):
        examples = read_examples(engine, task, spec=spec)
        evaluation = evaluate_task(engine, task, spec=spec)
        split = evaluation.split
        assert examples.label_known_at[split.train].max() <= split.cutoff
        assert examples.scored_at[split.test].min() >= split.cutoff
        learned = evaluation.report("learned")
        assert learned.auc is not None
        assert learned.auc > 0.56, task
        assert {r.model for r in evaluation.reports} == {"rules", "naive_bayes", "learned"}
        assert all(0 < r.brier < 0.3 for r in evaluation.reports)


def test_training_saves_a_compiled_model_and_the_gate_uses_the_latest_assessment(
    engine: Engine, machine_dir: Path, tmp_path: Path
) -> None:
    _load(engine, machine_dir)
    spec = load_spec(machine_dir / "architecture.yaml")
    models = tmp_path / "models"

    refused = train_task(engine, "lead-conversion", models, spec=spec)
    assert refused.gate.use == "rules"
    assert [c.rule for c in refused.gate.refusals] == ["gate.ai_readiness"]
    assert active_scorer(models, "lead-conversion") is None

    assessment = assess_store(engine, name="day 0")
    assert assessment["ai_readiness"]["score"] >= 2.0
    trained = train_task(engine, "lead-conversion", models, spec=spec)
    assert trained.gate.enabled, [c.text for c in trained.gate.refusals]
    document = load_model(models, "lead-conversion")
    assert document["use"] == "learned"
    assert "day 0" in document["gate"]["ai_readiness_source"]
    assert document["evaluation"]["models"]["learned"]["auc"] > 0.5
    assert {f["name"] for f in document["features"]} >= {"channel", "seniority"}
    json.dumps(document)

    scorer = active_scorer(models, "lead-conversion")
    assert scorer is not None
    examples = read_examples(engine, "lead-conversion", spec=spec)
    model = CalibratedLogit().fit(examples.subset(examples.labelled))
    np.testing.assert_allclose(
        scorer.score_many(examples.columns), model.predict_proba(examples), atol=1e-12
    )


def test_the_gate_refuses_a_small_unready_company_with_reasons(
    engine: Engine, founder_dir: Path, tmp_path: Path
) -> None:
    _load(engine, founder_dir)
    assessment = assess_store(engine, save=False)
    trained = train_task(engine, "deal-win", tmp_path, assessment=assessment)
    refused = {c.rule for c in trained.gate.refusals}
    assert "gate.positive_outcomes" in refused or "gate.negative_outcomes" in refused
    if assessment["ai_readiness"]["score"] is None or assessment["ai_readiness"]["score"] < 2:
        assert "gate.ai_readiness" in refused
    document = json.loads((tmp_path / "deal-win.json").read_text())
    assert document["use"] == "rules"
    assert document["gate"]["reasons"]
    assert "no spec given" in document["rules"]
