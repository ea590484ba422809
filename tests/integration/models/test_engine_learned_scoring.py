"""The engine scores with the compiled learned model only when the gate switched it on.

A simulated revenue machine is imported and a model trained; a lead then added and touched
through the services carries the probability the compiled model gives on the very features
training reads for it; with the gate refusing, the lead has none and is told why.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.domain import AddLead, LogTouchpoint, as_utc
from l2o.ingest import adapter_for
from l2o.services.bootstrap import RevenueSystem
from l2o.services.coaching import coach_deals
from l2o.services.importing import import_directory
from l2o.services.leads import NewTouch, add_lead, log_touchpoint
from l2o.services.leads_batch import NewLead, add_leads
from l2o.services.modeling import active_scorer, read_examples, train_task
from l2o.spec import load_spec
from l2o.store import schema as t

READY = {"name": "ready", "ai_readiness": {"score": 3.0}}


def _record(engine: Engine, task: str, record_id: str, spec: Any) -> dict[str, Any]:
    """The features training reads for one record, as a mapping."""
    examples = read_examples(engine, task, spec=spec)
    (row,) = [i for i, found in enumerate(examples.ids) if found == record_id]
    return {name: column[row] for name, column in examples.columns.items()}


def _single_domain_account(engine: Engine) -> tuple[str, Any]:
    a = t.accounts.c
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(a.domain, a.created_at).where(
                a.domain.is_not(None), a.merged_into_id.is_(None)
            )
        ).all()
    counts = Counter(r[0] for r in rows)
    domain, created = next((d, c) for d, c in sorted(rows) if counts[d] == 1)
    return domain, as_utc(created)


def _latest_lead(engine: Engine) -> Any:
    with engine.connect() as conn:
        return as_utc(conn.execute(sa.select(sa.func.max(t.leads.c.created_at))).scalar_one())


def _common_channel(engine: Engine) -> str:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.touchpoints.c.channel).where(t.touchpoints.c.channel.is_not(None))
        ).all()
    return Counter(str(r[0]) for r in rows).most_common(1)[0][0]


def test_a_lead_gets_the_compiled_models_probability_on_its_training_features(
    engine: Engine, machine_dir: Path, tmp_path: Path
) -> None:
    import_directory(engine, machine_dir, adapter_for("neutral"))
    spec = load_spec(machine_dir / "architecture.yaml")
    models = tmp_path / "models"
    trained = train_task(engine, "lead-conversion", models, spec=spec, assessment=READY)
    assert trained.gate.enabled, [c.text for c in trained.gate.refusals]
    scorer = active_scorer(models, "lead-conversion")
    assert scorer is not None
    system = RevenueSystem.build(spec, engine, models_dir=models)
    assert system.rules.lead_conversion is not None
    assert system.rules.lead_conversion.enabled

    domain, account_created = _single_domain_account(engine)
    arrival = max(_latest_lead(engine) - timedelta(days=5), account_created + timedelta(days=1))
    channel = _common_channel(engine)
    added = add_lead(
        system,
        AddLead(
            at=arrival,
            email=f"ana@{domain}",
            title="VP Engineering",
            country="US",
            channel="paid_search",
            route=False,
        ),
        touches=[
            NewTouch(touch_type="web_visit", at=arrival - timedelta(hours=1), channel=channel)
        ],
    )
    assert added.conversion_probability is not None
    assert 0.0 < added.conversion_probability < 1.0
    texts = [r.text for r in added.learned_reasons]
    assert texts[0].startswith("lead-conversion probability")
    # A touch after the scoring moment (arrival + 24 hours) is no feature: training cuts it.
    touched = log_touchpoint(
        system,
        LogTouchpoint(
            lead_id=added.lead_id,
            touch_type="web_visit",
            at=arrival + timedelta(hours=30),
            channel=channel,
        ),
    )
    with system.unit_of_work() as uow:
        stored = uow.leads.get(added.lead_id).conversion_probability
    assert stored == touched.conversion_probability
    features = _record(engine, "lead-conversion", added.lead_id, spec)
    assert features["touches"] == 1.0
    assert features["account_industry"] is not None
    assert stored is not None
    assert abs(stored - scorer.score(features)) < 1e-12
    assert [r.text for r in touched.learned_reasons[1:]] == [
        str(c) for c in scorer.explain(features)
    ]

    # The batch path scores with the same model: the same lead, the same probability.
    (batched,) = add_leads(
        system,
        [
            NewLead(
                AddLead(
                    at=arrival,
                    email=f"bea@{domain}",
                    title="VP Engineering",
                    country="US",
                    channel="paid_search",
                    route=False,
                ),
                (
                    NewTouch(
                        touch_type="web_visit", at=arrival - timedelta(hours=1), channel=channel
                    ),
                ),
            )
        ],
    )
    assert batched.conversion_probability == added.conversion_probability
    assert [r.text for r in batched.learned_reasons] == [r.text for r in added.learned_reasons]


def test_with_the_gate_refusing_a_lead_keeps_the_rules_and_is_told_why(
    engine: Engine, founder_dir: Path, tmp_path: Path
) -> None:
    import_directory(engine, founder_dir, adapter_for("neutral"))
    spec = load_spec(founder_dir / "architecture.yaml")
    models = tmp_path / "models"
    at = _latest_lead(engine)
    untrained = RevenueSystem.build(spec, engine, models_dir=models)
    first = add_lead(untrained, AddLead(at=at, email="bo@example.org", route=False))
    assert first.conversion_probability is None
    assert any("no trained model" in r.text for r in first.learned_reasons)

    trained = train_task(engine, "lead-conversion", models, spec=spec)
    assert not trained.gate.enabled
    system = RevenueSystem.build(spec, engine, models_dir=models)
    outcome = add_lead(system, AddLead(at=at, email="cy@example.org", route=False))
    assert outcome.conversion_probability is None
    with system.unit_of_work() as uow:
        assert uow.leads.get(outcome.lead_id).conversion_probability is None
    refusals = [c.text for c in trained.gate.refusals]
    assert [r.text for r in outcome.learned_reasons] == [
        f"lead-conversion model off: {text}" for text in refusals
    ]
    assert outcome.to_json()["learned_reasons"] == [r.text for r in outcome.learned_reasons]
    # Without a models folder the engine is not asked about a model at all.
    plain = add_lead(
        RevenueSystem.build(spec, engine), AddLead(at=at, email="di@example.org", route=False)
    )
    assert plain.learned_reasons == ()


def test_coaching_takes_the_win_probability_from_the_switched_on_deal_model(
    engine: Engine, machine_dir: Path, tmp_path: Path
) -> None:
    import_directory(engine, machine_dir, adapter_for("neutral"))
    spec = load_spec(machine_dir / "architecture.yaml")
    models = tmp_path / "models"
    trained = train_task(engine, "deal-win", models, spec=spec, assessment=READY)
    if not trained.gate.enabled:
        pytest.skip(f"the gate kept the rules here: {[c.text for c in trained.gate.refusals]}")
    scorer = active_scorer(models, "deal-win")
    assert scorer is not None
    system = RevenueSystem.build(spec, engine, models_dir=models)
    with engine.connect() as conn:
        deal_id = conn.execute(
            sa.select(t.opportunities.c.id)
            .where(t.opportunities.c.is_closed.is_(False))
            .order_by(t.opportunities.c.id)
        ).first()[0]
    (coached,) = coach_deals(system, deal_id=deal_id)
    features = _record(engine, "deal-win", deal_id, spec)
    assert coached.outlook.probability is not None
    assert abs(coached.outlook.probability - scorer.score(features)) < 1e-12
    assert coached.outlook.basis.startswith("learned deal-win model")

    (without,) = coach_deals(RevenueSystem.build(spec, engine), deal_id=deal_id)
    assert not without.outlook.basis.startswith("learned")
