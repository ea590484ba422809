"""The AI-readiness gate: when a learned model may replace the spec's rules in the engine.

A learned model is switched on only when all of these hold; otherwise the engine keeps the
rules and the decision says why, one structured reason per check:

- ``gate.ai_readiness``: the assessment's AI readiness (``assessment.json`` →
  ``ai_readiness.score``) is at least :data:`MIN_AI_READINESS` (2.0, the L2O Index's line
  below which a company is not ready for AI revenue agents). No assessment: refused.
- ``gate.positive_outcomes`` / ``gate.negative_outcomes``: the model learned from at least
  :data:`MIN_OUTCOMES` (200) outcomes of each kind. Below that a hold-out of a quarter has
  about 50 of the rarer kind, and an AUC measured on 50 positives is uncertain by roughly
  ±0.05 - too loose to tell a model from the rules.
- ``gate.holdout`` (when both were measured): the learned model's hold-out AUC is above the
  rules'. A model that does not beat the rules on the future has not earned the switch.

    >>> decision = gate_decision("lead-conversion", ai_readiness=1.6, positives=900, negatives=4000)
    >>> decision.use, [r.text for r in decision.refusals]
    ('rules', ['AI readiness 1.6 is below 2.0: the engine keeps the rules'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["MIN_AI_READINESS", "MIN_OUTCOMES", "GateCheck", "GateDecision", "gate_decision"]

MIN_AI_READINESS = 2.0
"""The AI readiness (0-4) below which no learned model is switched on."""

MIN_OUTCOMES = 200
"""The fewest positive, and the fewest negative, outcomes a model must learn from."""


@dataclass(frozen=True)
class GateCheck:
    """One check of the gate: its rule id, whether it passed, and the sentence saying so."""

    rule: str
    passed: bool
    text: str


@dataclass(frozen=True)
class GateDecision:
    """Which scorer the engine uses for a task (``learned`` or ``rules``) and every check."""

    task: str
    use: Literal["learned", "rules"]
    checks: tuple[GateCheck, ...]
    ai_readiness: float | None
    positives: int
    negatives: int

    @property
    def enabled(self) -> bool:
        """Whether the learned model is switched on."""
        return self.use == "learned"

    @property
    def refusals(self) -> tuple[GateCheck, ...]:
        """The checks that failed (empty when the model is switched on)."""
        return tuple(c for c in self.checks if not c.passed)

    def to_json(self) -> dict[str, Any]:
        """The decision as plain JSON."""
        return {
            "task": self.task,
            "use": self.use,
            "enabled": self.enabled,
            "ai_readiness": self.ai_readiness,
            "positives": self.positives,
            "negatives": self.negatives,
            "checks": [{"rule": c.rule, "passed": c.passed, "text": c.text} for c in self.checks],
            "reasons": [c.text for c in self.refusals],
        }


def gate_decision(
    task: str,
    *,
    ai_readiness: float | None,
    positives: int,
    negatives: int,
    learned_auc: float | None = None,
    rules_auc: float | None = None,
    min_ai_readiness: float = MIN_AI_READINESS,
    min_outcomes: int = MIN_OUTCOMES,
) -> GateDecision:
    """Decide whether the learned model for ``task`` may replace the rules (see module doc)."""
    keep = "the engine keeps the rules"
    checks = []
    if ai_readiness is None:
        checks.append(
            GateCheck(
                "gate.ai_readiness", False, f"no AI readiness measured (assess first): {keep}"
            )
        )
    elif ai_readiness < min_ai_readiness:
        checks.append(
            GateCheck(
                "gate.ai_readiness",
                False,
                f"AI readiness {ai_readiness:.1f} is below {min_ai_readiness:.1f}: {keep}",
            )
        )
    else:
        checks.append(
            GateCheck(
                "gate.ai_readiness",
                True,
                f"AI readiness {ai_readiness:.1f} reaches {min_ai_readiness:.1f}",
            )
        )
    for rule, count, kind in (
        ("gate.positive_outcomes", positives, "positive"),
        ("gate.negative_outcomes", negatives, "negative"),
    ):
        passed = count >= min_outcomes
        relation = "at least" if passed else "fewer than"
        text = f"{count} {kind} outcomes to learn from, {relation} {min_outcomes}"
        checks.append(GateCheck(rule, passed, text if passed else f"{text}: {keep}"))
    if learned_auc is not None and rules_auc is not None:
        passed = learned_auc > rules_auc
        text = f"hold-out AUC {learned_auc:.3f} learned vs {rules_auc:.3f} rules"
        checks.append(
            GateCheck("gate.holdout", passed, text if passed else f"{text}: no better, {keep}")
        )
    use: Literal["learned", "rules"] = "learned" if all(c.passed for c in checks) else "rules"
    return GateDecision(task, use, tuple(checks), ai_readiness, positives, negatives)
