"""The AI-readiness gate: learned only at readiness >= 2.0 with enough outcomes."""

from __future__ import annotations

import pytest

from l2o.analytics.models.gate import MIN_AI_READINESS, MIN_OUTCOMES, gate_decision


def _rules(decision) -> list[str]:
    return [c.rule for c in decision.refusals]


def test_switched_on_when_ready_and_enough_outcomes():
    decision = gate_decision("deal-win", ai_readiness=2.0, positives=200, negatives=200)
    assert decision.enabled
    assert decision.use == "learned"
    assert decision.refusals == ()
    assert all(c.passed for c in decision.checks)
    assert len(decision.checks) == 3


@pytest.mark.parametrize("readiness", [1.99, 0.0, None])
def test_refused_below_two_or_without_an_assessment(readiness):
    decision = gate_decision(
        "lead-conversion", ai_readiness=readiness, positives=900, negatives=900
    )
    assert decision.use == "rules"
    assert _rules(decision) == ["gate.ai_readiness"]
    text = decision.refusals[0].text
    assert "keeps the rules" in text
    assert ("below 2.0" in text) if readiness is not None else ("assess" in text)


@pytest.mark.parametrize(
    ("positives", "negatives", "refused"),
    [
        (199, 5_000, ["gate.positive_outcomes"]),
        (5_000, 20, ["gate.negative_outcomes"]),
        (10, 10, ["gate.positive_outcomes", "gate.negative_outcomes"]),
    ],
)
def test_refused_with_too_few_outcomes_of_a_kind(positives, negatives, refused):
    decision = gate_decision("deal-win", ai_readiness=3.5, positives=positives, negatives=negatives)
    assert decision.use == "rules"
    assert _rules(decision) == refused
    assert f"fewer than {MIN_OUTCOMES}" in decision.refusals[0].text


def test_every_failing_check_is_reported_at_once():
    decision = gate_decision("deal-win", ai_readiness=1.2, positives=5, negatives=900)
    assert _rules(decision) == ["gate.ai_readiness", "gate.positive_outcomes"]
    assert decision.to_json()["reasons"] == [c.text for c in decision.refusals]


def test_a_model_no_better_than_the_rules_on_the_hold_out_is_refused():
    kwargs = {"ai_readiness": 3.0, "positives": 500, "negatives": 500}
    worse = gate_decision("deal-win", **kwargs, learned_auc=0.60, rules_auc=0.61)
    better = gate_decision("deal-win", **kwargs, learned_auc=0.70, rules_auc=0.61)
    assert _rules(worse) == ["gate.holdout"]
    assert better.enabled


def test_thresholds_are_the_stated_ones():
    assert MIN_AI_READINESS == 2.0
    assert MIN_OUTCOMES == 200
