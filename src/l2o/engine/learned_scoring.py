"""Learned scoring in the engine: a compiled model's probability, only behind the AI-readiness
gate, with the reasons that moved it - or why the engine keeps the rules.

The engine does not train, load or know a model's internals: it holds a
:class:`ProbabilityScorer` (anything with ``score`` and ``explain`` over a mapping of
feature values - the compiled lookup tables the services load) and a feature builder, the
callable that reads a record *as of the scoring moment* into those values (the services
hand it over, so the features are the very ones the model learned from). A
:class:`LearnedScoring` is either switched on (a scorer, a builder and the gate's checks) or
off (only the gate's refusals)::

    scoring = LearnedScoring("lead-conversion", scorer, lead_features, why=gate_checks)
    found = scoring.probability(lead, account, touches, at)     # LearnedProbability | None
    found.probability, [r.text for r in found.reasons]          # 0.41, ["channel referrals +0.61"]
    LearnedScoring.off("deal-win", ("AI readiness 1.6 is below 2.0: ...",)).enabled  # False

Scoring is a handful of dictionary look-ups per record: no model pipeline runs per request.
The spec's rules still decide lead stages and thresholds; the probability stands beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, ParamSpec, Protocol

from l2o.domain import Account, Lead, Opportunity, Touchpoint
from l2o.engine.explain import Reason

__all__ = [
    "DealFeatureBuilder",
    "LeadFeatureBuilder",
    "LearnedProbability",
    "LearnedScoring",
    "ProbabilityScorer",
    "ScoreDriver",
]

P = ParamSpec("P")

#: Reads a lead as of ``at`` - its own fields, the account matched by e-mail domain and its
#: touches - into the lead-conversion model's feature values.
LeadFeatureBuilder = Callable[
    [Lead, Account | None, Sequence[Touchpoint], datetime], Mapping[str, object]
]
#: Reads a deal as of its creation - the deal, its account, its owner's role and its amount
#: on the first stage change - into the deal-win model's feature values.
DealFeatureBuilder = Callable[
    [Opportunity, Account | None, str | None, float | None], Mapping[str, object]
]


class ScoreDriver(Protocol):
    """One feature's pull on a probability: its value's level and the log-odds it added."""

    @property
    def feature(self) -> str: ...

    @property
    def level(self) -> str: ...

    @property
    def effect(self) -> float: ...


class ProbabilityScorer(Protocol):
    """A compiled model: the probability of the outcome for one record's feature values, and
    the features that moved it most from the training average."""

    @property
    def task(self) -> str: ...

    def score(self, record: Mapping[str, object]) -> float: ...

    def explain(self, record: Mapping[str, object], top: int = 3) -> Sequence[ScoreDriver]: ...


@dataclass(frozen=True, slots=True)
class LearnedProbability:
    """A record's probability from the learned model, and the reasons that moved it."""

    task: str
    probability: float
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict[str, object]:
        """The probability and its reasons as plain data."""
        return {
            "task": self.task,
            "probability": self.probability,
            "reasons": [r.text for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class LearnedScoring(Generic[P]):
    """A task's learned scoring as the AI-readiness gate left it.

    ``scorer`` and ``features`` are set only when the gate switched the model on; ``why``
    holds the gate's words: every check when on, the refusals when off. ``source`` says
    which model file (and when it was trained).
    """

    task: str
    scorer: ProbabilityScorer | None
    features: Callable[P, Mapping[str, object]] | None
    why: tuple[str, ...] = ()
    source: str = ""
    top: int = 3

    @classmethod
    def off(cls, task: str, why: Sequence[str], source: str = "") -> LearnedScoring[P]:
        """The rules stay: no scorer, and the gate's (or the loader's) reasons why."""
        return cls(task, None, None, tuple(why), source)

    @property
    def enabled(self) -> bool:
        """Whether the learned model scores this task."""
        return self.scorer is not None and self.features is not None

    def probability(self, *args: P.args, **kwargs: P.kwargs) -> LearnedProbability | None:
        """The record's probability and reasons; ``None`` while the engine keeps the rules.

        The arguments are the feature builder's: for leads ``(lead, account, touches, at)``.
        """
        if self.scorer is None or self.features is None:
            return None
        values = self.features(*args, **kwargs)
        probability = self.scorer.score(values)
        reasons = tuple(
            Reason(
                f"learned.{driver.feature}",
                f"{driver.feature} {driver.level} {driver.effect:+.2f}",
                driver.effect,
            )
            for driver in self.scorer.explain(values, self.top)
        )
        return LearnedProbability(self.task, probability, reasons)

    def explanation(self, found: LearnedProbability | None) -> tuple[Reason, ...]:
        """Reason lines for a score's explanation: the probability and what moved it, or
        (switched off) why the engine keeps the rules."""
        if found is None:
            return tuple(
                Reason("learned.gate", f"{self.task} model off: {why}") for why in self.why
            )
        head = Reason(
            f"learned.{self.task}",
            f"{self.task} probability {found.probability:.2f} (learned model, "
            "switched on by the AI-readiness gate)",
        )
        return (head, *found.reasons)
