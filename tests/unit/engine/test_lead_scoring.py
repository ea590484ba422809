"""Lead scoring (fit, engagement, caps, decay) and lifecycle transitions with their times."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from engine_builders import T0, build_spec
from hypothesis import given, settings
from hypothesis import strategies as st

from l2o.domain import Account, Lead, LeadStatus, Touchpoint
from l2o.engine import LeadLifecycle, LeadScorer, decay_factor, lead_derived_fields, render
from l2o.spec import ArchitectureSpec

SCORING: dict[str, Any] = {
    "lead_stages": [
        {"id": "lead"},
        {"id": "mql", "min_score": 60},
        {"id": "sql", "min_score": 90, "min_engagement_score": 50},
    ],
    "scoring": {
        "groups": [
            {
                "id": "fit",
                "kind": "fit",
                "cap": 40,
                "rules": [
                    {
                        "id": "title",
                        "points": 25,
                        "when": {"field": "title", "operator": "contains", "value": "data"},
                    },
                    {
                        "id": "big",
                        "points": 25,
                        "when": {"field": "employees", "operator": "gte", "value": 200},
                    },
                    {
                        "id": "us",
                        "points": 10,
                        "when": {"field": "country", "operator": "eq", "value": "US"},
                    },
                ],
            },
            {
                "id": "engagement",
                "kind": "engagement",
                "cap": 60,
                "decay_half_life_days": 10,
                "rules": [
                    {"id": "demo", "event": "demo_request", "points": 40},
                    {"id": "visit", "event": "web_visit", "points": 5},
                    {"id": "forms", "event": "form_submit", "points": 10},
                    {"id": "unsub", "event": "unsubscribe", "points": -20},
                ],
            },
        ]
    },
}


def touch(kind: str, at: datetime) -> Touchpoint:
    return Touchpoint(touch_type=kind, occurred_at=at)


@pytest.fixture
def spec() -> ArchitectureSpec:
    return build_spec(signals=SCORING)


def data_lead() -> tuple[Lead, dict[str, Any]]:
    lead = Lead(title="Head of Data", country="US", created_at=T0)
    return lead, lead_derived_fields(lead, Account(name="Globex", employees=500))


def test_fit_is_capped_and_explained(spec: ArchitectureSpec) -> None:
    lead, derived = data_lead()
    score = LeadScorer(spec).score(lead, [], as_of=T0, derived=derived)
    assert (score.fit, score.engagement, score.total) == (40, 0, 40)
    text = render(score.reasons)
    assert "title contains 'data' +25" in text
    assert "employees >= 200 +25" in text
    assert "fit capped at 40" in text


def test_engagement_decays_by_half_life_and_penalties_do_not(spec: ArchitectureSpec) -> None:
    lead, derived = data_lead()
    touches = [touch("demo_request", T0), touch("unsubscribe", T0)]
    scorer = LeadScorer(spec)
    now = scorer.score(lead, touches, as_of=T0, derived=derived)
    later = scorer.score(lead, touches, as_of=T0 + timedelta(days=10), derived=derived)
    assert now.engagement == 20  # 40 - 20
    assert later.engagement == pytest.approx(0.0)  # 20 - 20: the demo halved, the penalty did not
    assert "demo x1 +40 (decayed to +20)" in render(later.reasons)
    assert "unsub x1 -20 (penalties do not decay)" in render(later.reasons)


def test_touch_aliases_and_future_touches(spec: ArchitectureSpec) -> None:
    lead, derived = data_lead()
    touches = [touch("form_fill", T0), touch("demo_request", T0 + timedelta(days=1))]
    score = LeadScorer(spec).score(lead, touches, as_of=T0, derived=derived)
    assert score.engagement == 10
    assert score.touches_counted == 1


def test_engagement_cap(spec: ArchitectureSpec) -> None:
    lead, derived = data_lead()
    touches = [touch("demo_request", T0)] * 3
    score = LeadScorer(spec).score(lead, touches, as_of=T0, derived=derived)
    assert score.engagement == 60
    assert score.groups[1].raw == 120


def test_mql_and_sql_are_reached_at_the_touch_that_crosses_the_threshold(
    spec: ArchitectureSpec,
) -> None:
    lead, derived = data_lead()
    touches = [
        touch("web_visit", T0 + timedelta(hours=1)),  # 40 + 5 = 45
        touch("form_submit", T0 + timedelta(days=1)),  # ~59.7: not yet
        touch("demo_request", T0 + timedelta(days=2)),  # fit 40 + ~53: MQL and SQL
    ]
    decision = LeadLifecycle(spec).transitions(
        lead, touches, as_of=T0 + timedelta(days=30), derived=derived
    )
    assert [r.stage for r in decision.reached] == ["lead", "mql", "sql"]
    assert decision.reached[1].at == T0 + timedelta(days=2)
    assert decision.reached[2].at == T0 + timedelta(days=2)
    assert decision.status == LeadStatus.SQL
    assert decision.waiting_for is None


def test_threshold_not_met_says_what_is_missing(spec: ArchitectureSpec) -> None:
    lead, derived = data_lead()
    decision = LeadLifecycle(spec).transitions(
        lead, [touch("web_visit", T0)], as_of=T0, derived=derived
    )
    assert decision.stage == "lead"
    assert decision.status == LeadStatus.NEW
    assert decision.waiting_for is not None
    assert decision.waiting_for.text == "mql: score 45.0 / 60"


def test_a_stage_without_threshold_waits_for_a_person(revenue_machine: ArchitectureSpec) -> None:
    lead = Lead(title="Data lead", country="US", created_at=T0)
    derived = lead_derived_fields(
        lead, Account(name="G", employees=900, technologies=["snowflake"])
    )
    touches = [touch("demo_request", T0), touch("pricing_page_visit", T0)]
    decision = LeadLifecycle(revenue_machine).transitions(lead, touches, as_of=T0, derived=derived)
    assert decision.stage == "mql"
    assert decision.waiting_for is not None
    assert "sal: needs a person" in decision.waiting_for.text


def test_decay_factor() -> None:
    assert decay_factor(0, 30) == 1.0
    assert decay_factor(30, 30) == 0.5
    assert decay_factor(-5, 30) == 1.0
    assert decay_factor(100, None) == 1.0


EVENTS = st.sampled_from(["demo_request", "web_visit", "form_submit", "unsubscribe", "email_open"])


@settings(max_examples=60, deadline=None)
@given(
    touches=st.lists(st.tuples(EVENTS, st.integers(0, 60 * 24 * 40)), max_size=12),
    first=st.integers(0, 60 * 24 * 60),
    gap=st.integers(0, 60 * 24 * 60),
)
def test_score_never_rises_with_time_alone(
    touches: list[tuple[str, int]], first: int, gap: int
) -> None:
    """Decay is monotone: for the same touches, a later as-of never scores higher."""
    spec = build_spec(signals=SCORING)
    lead, derived = data_lead()
    points = [touch(kind, T0 + timedelta(minutes=m)) for kind, m in touches]
    start = T0 + timedelta(days=40, minutes=first)
    scorer = LeadScorer(spec)
    early = scorer.score(lead, points, as_of=start, derived=derived)
    late = scorer.score(lead, points, as_of=start + timedelta(minutes=gap), derived=derived)
    assert late.total <= early.total + 1e-9
    assert 0 <= late.engagement <= 60
