"""Learned scoring in the engine: a probability only when switched on, else the gate's why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from l2o.domain import Account, Lead, Touchpoint
from l2o.engine import EngineRules, LeadConversionScoring, LearnedScoring
from l2o.spec import ArchitectureSpec

AT = datetime(2025, 3, 1, 9, tzinfo=UTC)


@dataclass(frozen=True)
class _Driver:
    feature: str
    level: str
    effect: float


class _FakeScorer:
    """Probability = 0.1 per touch (capped at 0.9); explains with the channel's pull."""

    task = "lead-conversion"

    def __init__(self) -> None:
        self.seen: list[Mapping[str, object]] = []

    def score(self, record: Mapping[str, object]) -> float:
        self.seen.append(dict(record))
        touches = record["touches"]
        assert isinstance(touches, float)
        return min(0.1 * touches, 0.9)

    def explain(self, record: Mapping[str, object], top: int = 3) -> Sequence[_Driver]:
        return [_Driver("channel", str(record["channel"]), 0.61)][:top]


def _features(
    lead: Lead, account: Account | None, touches: Sequence[Touchpoint], at: datetime
) -> Mapping[str, object]:
    return {"channel": lead.channel, "touches": float(len(touches))}


def _touches(n: int) -> list[Touchpoint]:
    return [Touchpoint(occurred_at=AT, touch_type="web_visit") for _ in range(n)]


def test_switched_on_scoring_gives_the_scorers_probability_and_reasons() -> None:
    scorer = _FakeScorer()
    scoring: LeadConversionScoring = LearnedScoring(
        "lead-conversion", scorer, _features, why=("AI readiness 3.1 reaches 2.0",)
    )
    lead = Lead(channel="referrals")
    found = scoring.probability(lead, None, _touches(3), AT)
    assert scoring.enabled
    assert found is not None
    assert abs(found.probability - 0.3) < 1e-12
    assert scorer.seen == [{"channel": "referrals", "touches": 3.0}]
    assert [r.text for r in found.reasons] == ["channel referrals +0.61"]
    assert found.reasons[0].rule == "learned.channel"
    lines = [r.text for r in scoring.explanation(found)]
    assert lines[0].startswith("lead-conversion probability 0.30")
    assert lines[1:] == ["channel referrals +0.61"]


def test_switched_off_scoring_gives_no_probability_and_says_why() -> None:
    refusal = "AI readiness 1.6 is below 2.0: the engine keeps the rules"
    scoring: LeadConversionScoring = LearnedScoring.off("lead-conversion", (refusal,))
    assert not scoring.enabled
    found = scoring.probability(Lead(channel="referrals"), None, _touches(3), AT)
    assert found is None
    assert [r.text for r in scoring.explanation(found)] == [f"lead-conversion model off: {refusal}"]
    assert {r.rule for r in scoring.explanation(found)} == {"learned.gate"}


def test_a_scorer_without_a_feature_builder_stays_off() -> None:
    scoring: LeadConversionScoring = LearnedScoring("lead-conversion", _FakeScorer(), None)
    assert not scoring.enabled
    assert scoring.probability(Lead(), None, (), AT) is None


def test_engine_rules_hold_no_learned_scoring_unless_given(
    revenue_machine: ArchitectureSpec,
) -> None:
    rules = EngineRules.from_spec(revenue_machine)
    assert rules.lead_conversion is None
    assert rules.deal_win is None
    on: LeadConversionScoring = LearnedScoring("lead-conversion", _FakeScorer(), _features)
    learned = rules.with_learned(lead_conversion=on)
    assert learned.lead_conversion is on
    assert learned.deal_win is None
    assert learned.scoring is rules.scoring  # the spec's rules are untouched
    assert rules.lead_conversion is None  # a new rules object, the old one unchanged
