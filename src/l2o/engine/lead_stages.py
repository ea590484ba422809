"""Lead lifecycle: when a lead became an MQL (or SQL...) by the spec's score thresholds.

The spec's ``lead_stages`` are ordered. The first is where every lead starts (at its
``created_at``). A later stage with thresholds (``min_score``, ``min_fit_score``,
``min_engagement_score``: all that are given must hold) is reached automatically at the first
moment the lead's score meets them, and never later than the stage before it. A stage with
no threshold (e.g. ``sal``: sales accepted) needs a person, so the automatic walk stops there.

Scores rise only at a touch (decay only lowers them), so the walk replays the touchpoints in
time order, keeping each engagement group's decayed sum, and checks the thresholds at the
lead's creation and at every touch. A stage once reached stays reached when the score later
decays: lifecycle stages are milestones, not a thermometer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from l2o.domain import Lead, LeadStatus, Touchpoint, as_utc
from l2o.engine.explain import Reason
from l2o.engine.lead_scoring import LeadScorer, decay_factor
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.signals import LeadStage

__all__ = ["LeadLifecycle", "LeadStageDecision", "StageReached"]

_DAY_SECONDS = 86_400.0
_STATUS_OF_STAGE: Mapping[str, LeadStatus] = {"lead": LeadStatus.NEW, "new": LeadStatus.NEW} | {
    status.value: status for status in LeadStatus
}


@dataclass(frozen=True, slots=True)
class StageReached:
    """A lead stage reached automatically: when, with which scores, and why."""

    stage: str
    at: datetime
    fit: float
    engagement: float
    reason: Reason

    @property
    def score(self) -> float:
        """Fit plus engagement at that moment."""
        return self.fit + self.engagement


@dataclass(frozen=True, slots=True)
class LeadStageDecision:
    """The furthest lead stage the thresholds reach as of a moment, and each step's time.

    ``status`` is the lead status that stage corresponds to (``None`` when the spec's stage
    has no matching status, e.g. ``sal``); ``waiting_for`` is the next stage and what it needs.
    """

    stage: str | None
    status: LeadStatus | None
    reached: tuple[StageReached, ...]
    waiting_for: Reason | None


class LeadLifecycle:
    """The spec's lead stages and scoring, for deciding lifecycle transitions."""

    def __init__(self, spec: ArchitectureSpec, scorer: LeadScorer | None = None) -> None:
        self.stages: tuple[LeadStage, ...] = tuple(spec.signals.lead_stages if spec.signals else ())
        self.scorer = scorer or LeadScorer(spec)
        # What every walk reads, worked out once: the first stage and its reason, each
        # engagement group's half-life, cap and points per event, and each later stage's
        # thresholds and words.
        self._start = (
            (
                self.stages[0].id,
                Reason("lead_stage.start", f"{self.stages[0].id}: every lead starts here"),
            )
            if self.stages
            else None
        )
        self._groups: tuple[tuple[float | None, float, dict[str, int]], ...] = tuple(
            (
                g.decay_half_life_days,
                float(g.cap),
                {str(r.event): r.points for r in g.rules if r.event},
            )
            for g in self.scorer.groups
            if g.kind == "engagement"
        )
        self._later: tuple[_Threshold, ...] = tuple(_Threshold(stage) for stage in self.stages[1:])

    def transitions(
        self,
        lead: Lead,
        touchpoints: Iterable[Touchpoint],
        *,
        as_of: datetime,
        derived: Mapping[str, Any] | None = None,
        fit: float | None = None,
        events: list[tuple[datetime, str]] | None = None,
    ) -> LeadStageDecision:
        """The stages ``lead`` reached by ``as_of``, with the moment each threshold was met.

        ``fit`` is the lead's fit points when the caller has just worked them out for the same
        values of the scorer's ``fit_fields`` (``LeadScore.fit``); otherwise they are.
        ``events`` is what ``LeadScorer.events`` makes of the same ``touchpoints`` as of the
        same moment, when the caller has it already (the touchpoints are not read again).
        """
        as_of = as_utc(as_of)
        if self._start is None:
            return LeadStageDecision(None, None, (), None)
        created = as_utc(lead.created_at)
        first, why = self._start
        reached = [StageReached(first, created, 0.0, 0.0, why)]
        if fit is None:
            fit = self.scorer.fit_points(lead, derived=derived)
        events = sorted(self.scorer.events(touchpoints, as_of=as_of) if events is None else events)
        moments = self._engagement_moments(created, events)
        position = 0
        for threshold in self._later:
            if threshold.needs_a_person is not None:
                return self._decision(reached, threshold.needs_a_person)
            after = reached[-1].at
            while position < len(moments) and not (
                moments[position][0] >= after and threshold.meets(fit, moments[position][1])
            ):
                position += 1
            if position == len(moments):
                return self._decision(reached, threshold.waiting(fit, moments[-1][1]))
            at, engagement = moments[position]
            reached.append(
                StageReached(
                    threshold.stage, at, fit, engagement, threshold.reached(at, fit, engagement)
                )
            )
        return self._decision(reached, None)

    def _engagement_moments(
        self, created: datetime, events: list[tuple[datetime, str]]
    ) -> list[tuple[datetime, float]]:
        """The lead's engagement points at its creation and after each of its touches (in time
        order): each group's decayed sum of positive points, plus its penalties, capped."""
        groups = self._groups
        positive = [0.0] * len(groups)
        negative = [0.0] * len(groups)
        clock: datetime | None = None
        moments: list[tuple[datetime, float]] = [(created, 0.0)]
        for at, event in events:
            engagement = 0.0
            for i, (half_life, cap, rules) in enumerate(groups):
                if clock is not None:
                    age = (at - clock).total_seconds() / _DAY_SECONDS
                    positive[i] *= decay_factor(age, half_life)
                points = rules.get(event)
                if points is not None:
                    if points > 0:
                        positive[i] += points
                    else:
                        negative[i] += points
                engagement += min(max(positive[i] + negative[i], 0.0), cap)
            clock = at
            moments.append((created if created > at else at, engagement))
        return moments

    def _decision(self, reached: list[StageReached], waiting: Reason | None) -> LeadStageDecision:
        last = reached[-1].stage
        return LeadStageDecision(last, _STATUS_OF_STAGE.get(last), tuple(reached), waiting)


def _minute(at: datetime) -> str:
    """``at`` as ``YYYY-MM-DD HH:MM`` (``isoformat`` is a third of ``strftime``'s cost; the
    years ``strftime`` writes differently are left to it)."""
    if at.year < 1000:
        return f"{at:%Y-%m-%d %H:%M}"
    return at.isoformat(" ", "minutes")[:16]


class _Threshold:
    """A later lead stage compiled: its score limits and the words it explains itself in.

    ``needs_a_person`` is the reason the walk stops at a stage without thresholds.
    """

    __slots__ = ("limits", "needs_a_person", "rule", "stage", "words")

    def __init__(self, stage: LeadStage) -> None:
        self.stage = stage.id
        self.rule = f"lead_stage.{stage.id}"
        self.limits = (stage.min_score, stage.min_fit_score, stage.min_engagement_score)
        self.needs_a_person = (
            None
            if any(limit is not None for limit in self.limits)
            else Reason(self.rule, f"{stage.id}: needs a person (no score threshold)")
        )
        # "score {0:.1f} / 60, fit {1:.1f} / 25": the needs, to fill with score, fit, engagement.
        names = ("score {0:.1f}", "fit {1:.1f}", "engagement {2:.1f}")
        self.words = ", ".join(
            f"{name} / {limit}"
            for name, limit in zip(names, self.limits, strict=True)
            if limit is not None
        )

    def meets(self, fit: float, engagement: float) -> bool:
        """Whether a lead with these points has reached the stage (every given limit holds)."""
        score, min_fit, min_engagement = self.limits
        return (
            (score is None or fit + engagement >= score)
            and (min_fit is None or fit >= min_fit)
            and (min_engagement is None or engagement >= min_engagement)
        )

    def needs(self, fit: float, engagement: float) -> str:
        """``score 45.0 / 60, fit 30.0 / 25``: the points against each limit."""
        return self.words.format(fit + engagement, fit, engagement)

    def reached(self, at: datetime, fit: float, engagement: float) -> Reason:
        """Why the stage was reached at ``at`` with these points."""
        return Reason(self.rule, f"{self.stage} at {_minute(at)}: {self.needs(fit, engagement)}")

    def waiting(self, fit: float, engagement: float) -> Reason:
        """What the stage still needs of a lead with these points."""
        return Reason(self.rule, f"{self.stage}: {self.needs(fit, engagement)}")
