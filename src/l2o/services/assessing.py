"""The assessment use case: evidence from the store, answers and spec in, ``assessment.json`` out.

::

    from l2o.services.assessing import assess_store

    document = assess_store(engine, spec=spec, answers=answers, name="day 0")
    document["index"], document["dimensions"]["pipeline"]["score"]

The store is read set-based (:mod:`l2o.services.assessment_facts`); the metrics, scoring,
data quality and cost of the gap are the pure functions of :mod:`l2o.assess`. Every
assessment is saved as a snapshot (see :mod:`l2o.services.assessment_snapshots`) unless
``save=False``, so two can be compared later (day 0 vs day 90).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from l2o.assess import (
    Answers,
    Rubric,
    load_questionnaire,
    load_rubric,
    said_scores,
    score_assessment,
)
from l2o.assess.cost import cost_of_gap
from l2o.assess.evidence import compute_evidence, data_quality, policy_from_spec
from l2o.domain import utc_now
from l2o.services.assessment_facts import read_evidence_facts
from l2o.services.assessment_snapshots import save_snapshot
from l2o.spec import ArchitectureSpec

__all__ = ["assess_store"]


def assess_store(
    engine: Engine,
    *,
    spec: ArchitectureSpec | None = None,
    answers: Answers | None = None,
    name: str | None = None,
    rubric: Rubric | None = None,
    save: bool = True,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Assess the company in the store at ``engine``: the ``assessment.json`` document.

    ``spec`` (optional) sets what the evidence is measured against (stall limits, discount
    band, routing SLA, coverage roles, retention target); without it the stated defaults
    apply. ``answers`` (optional) gives the said scores and technology; without them a
    dimension whose evidence is insufficient has no score. ``rubric`` defaults to the
    latest shipped version. The document is saved as a snapshot (``id``, ``name``,
    ``created_at``) unless ``save`` is false.
    """
    rubric = rubric or load_rubric()
    policy = policy_from_spec(spec)
    facts = read_evidence_facts(engine)
    evidence = [m for m in compute_evidence(facts, policy) if rubric.dimension_of(m.name)]
    said: dict[str, float | None] = {}
    technology = None
    if answers is not None:
        for topic, score in said_scores(load_questionnaire(), answers).items():
            said[str(topic)] = score
        technology = said.pop("technology", None)
    assessment = score_assessment(
        rubric,
        evidence,
        said=said,
        technology=technology,
        data_quality=data_quality(facts),
        cost_of_gap=cost_of_gap(facts, policy),
    )
    created = now or utc_now()
    document: dict[str, Any] = {
        "name": name or f"assessment {created:%Y-%m-%d %H:%M}",
        "created_at": created.isoformat(),
        "as_of": facts.as_of.isoformat() if facts.as_of else None,
        "spec_used": spec is not None,
        **assessment.to_json(),
    }
    if save:
        document["id"] = save_snapshot(engine, document)
    return document
