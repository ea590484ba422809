"""Lead scoring: fit points from who the lead is, engagement points from what it did.

Each spec group adds up its rules' points and is held between 0 and its ``cap``. Fit rules
test the lead's fields (with the matched account's firmographics as derived fields).
Engagement rules score touchpoints whose ``touch_type`` is the rule's event (or an alias of
it, e.g. ``form_fill`` for ``form_submit``); each touch's points halve every
``decay_half_life_days`` until ``as_of``. Penalties (negative points, e.g. an unsubscribe)
do not decay: so a lead's score never rises with time alone. Touches after ``as_of`` are not
counted. The score is recomputed from the touchpoints each time, never incremented.

    >>> score = LeadScorer(spec).score(lead, touchpoints, as_of=now, derived=ctx)  # doctest: +SKIP
    >>> score.fit, score.engagement, score.total                                    # doctest: +SKIP
    (45.0, 28.3, 73.3)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from l2o.domain import Lead, Touchpoint, as_utc
from l2o.engine.conditions import CompiledCondition, compile_condition
from l2o.engine.explain import Reason, signed
from l2o.engine.record_fields import RecordFields
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.conditions import field_tests
from l2o.spec.fields import FieldCatalog
from l2o.spec.lead_scoring import ScoreGroup

__all__ = ["DEFAULT_EVENT_ALIASES", "GroupScore", "LeadScore", "LeadScorer", "decay_factor"]

DEFAULT_EVENT_ALIASES: Mapping[str, str] = {
    "form_fill": "form_submit",
    "page_view": "web_visit",
    "pricing_page_view": "pricing_page_visit",
    "demo_requested": "demo_request",
    "meeting": "meeting_booked",
    "webinar": "webinar_attended",
    "download": "content_download",
}
"""Touch types CRMs and the simulator write, mapped to the spec's engagement events."""

_DAY_SECONDS = 86_400.0


def decay_factor(age_days: float, half_life_days: float | None) -> float:
    """The share of a touch's points left after ``age_days`` (1.0 without a half-life).

    >>> decay_factor(30, 30), decay_factor(60, 30), decay_factor(5, None)
    (0.5, 0.25, 1.0)
    """
    if half_life_days is None or age_days <= 0:
        return 1.0
    return float(0.5 ** (age_days / half_life_days))


@dataclass(frozen=True, slots=True)
class GroupScore:
    """One scoring group's points: ``raw`` before the 0..cap clamp, ``points`` after."""

    group: str
    kind: Literal["fit", "engagement"]
    points: float
    raw: float
    cap: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class LeadScore:
    """A lead's fit, engagement and total score as of a moment, each explained."""

    fit: float
    engagement: float
    as_of: datetime
    groups: tuple[GroupScore, ...]
    touches_counted: int

    @property
    def total(self) -> float:
        """Fit plus engagement: the ``score`` lead stages' ``min_score`` is compared with."""
        return self.fit + self.engagement

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every group's reasons, in spec order."""
        return tuple(reason for group in self.groups for reason in group.reasons)


class LeadScorer:
    """The spec's scoring model compiled once; ``score`` recomputes a lead from its touches."""

    def __init__(
        self, spec: ArchitectureSpec, *, event_aliases: Mapping[str, str] = DEFAULT_EVENT_ALIASES
    ) -> None:
        scoring = spec.signals.scoring if spec.signals else None
        catalog = FieldCatalog(spec.custom_fields)
        self.groups: tuple[ScoreGroup, ...] = tuple(scoring.groups if scoring else ())
        self.event_aliases = dict(event_aliases)
        # Each fit rule with the reason it gives when it matches (the same words every time).
        self._fit_rules: dict[str, tuple[tuple[int, CompiledCondition, Reason], ...]] = {
            group.id: tuple(
                (rule.points, when, _fit_reason(group.id, rule.id, rule.points, when))
                for rule in group.rules
                if rule.when is not None
                for when in (compile_condition(rule.when, "lead", catalog),)
            )
            for group in self.groups
        }
        # The fields the fit rules read: the fit points change only when one of them does.
        self.fit_fields: frozenset[str] = frozenset(
            test.field
            for group in self.groups
            for rule in group.rules
            if rule.when is not None
            for test, _ in field_tests(rule.when, "when")
        )
        self._event_rules: dict[str, dict[str, tuple[str, int]]] = {
            group.id: {rule.event: (rule.id, rule.points) for rule in group.rules if rule.event}
            for group in self.groups
        }

    def event_of(self, touch_type: str) -> str:
        """The engagement event a touchpoint's ``touch_type`` counts as."""
        return self.event_aliases.get(touch_type, touch_type)

    def events(
        self, touchpoints: Iterable[Touchpoint], *, as_of: datetime
    ) -> list[tuple[datetime, str]]:
        """The touchpoints up to ``as_of`` as ``(UTC time, engagement event)`` pairs, in the
        order given: what :meth:`score` and ``LeadLifecycle.transitions`` read of them, for
        a caller that runs both to work out once."""
        as_of = as_utc(as_of)
        event_of = self.event_aliases.get
        return [
            (as_utc(touch.occurred_at), event_of(touch.touch_type, touch.touch_type))
            for touch in touchpoints
            if touch.occurred_at <= as_of
        ]

    def score(
        self,
        lead: Lead,
        touchpoints: Iterable[Touchpoint],
        *,
        as_of: datetime,
        derived: Mapping[str, Any] | None = None,
        events: list[tuple[datetime, str]] | None = None,
    ) -> LeadScore:
        """Score ``lead`` as of ``as_of`` from its fields and its touchpoints up to then.

        ``events`` is what :meth:`events` makes of the same ``touchpoints`` as of the same
        moment, when the caller has it already (the touchpoints are not read again).
        """
        as_of = as_utc(as_of)
        touches = self.events(touchpoints, as_of=as_of) if events is None else events
        fields = RecordFields(lead, "lead", derived=derived)
        groups = tuple(
            self._fit_group(group, fields)
            if group.kind == "fit"
            else self._engagement_group(group, touches, as_of)
            for group in self.groups
        )
        fit = sum(g.points for g in groups if g.kind == "fit")
        engagement = sum(g.points for g in groups if g.kind == "engagement")
        return LeadScore(fit, engagement, as_of, groups, len(touches))

    def fit_points(self, lead: Lead, *, derived: Mapping[str, Any] | None = None) -> float:
        """The fit part of the score alone (it does not depend on time or touches)."""
        fields = RecordFields(lead, "lead", derived=derived)
        return sum(self._fit_group(g, fields).points for g in self.groups if g.kind == "fit")

    def _fit_group(self, group: ScoreGroup, fields: RecordFields) -> GroupScore:
        raw = 0.0
        reasons: list[Reason] = []
        for points, when, reason in self._fit_rules[group.id]:
            if when.matches(fields):
                raw += points
                reasons.append(reason)
        return _capped(group, raw, reasons)

    def _engagement_group(
        self, group: ScoreGroup, touches: list[tuple[datetime, str]], as_of: datetime
    ) -> GroupScore:
        rules = self._event_rules[group.id]
        half_life = group.decay_half_life_days
        totals: dict[str, list[float]] = {}
        raw = 0.0
        for at, event in touches:
            rule = rules.get(event)
            if rule is None:
                continue
            rule_id, points = rule
            if points > 0:
                age = (as_of - at).total_seconds() / _DAY_SECONDS
                earned = points * decay_factor(age, half_life)
            else:
                earned = float(points)
            raw += earned
            seen = totals.setdefault(rule_id, [0.0, 0.0, 0.0])
            seen[0] += 1
            seen[1] += points
            seen[2] += earned
        reasons = []
        for rule_id, (count, nominal, earned) in totals.items():
            text = f"{rule_id} x{count:g} {signed(nominal)}"
            if nominal > 0 and round(earned, 1) != round(nominal, 1):
                text += f" (decayed to {signed(earned)})"
            elif nominal < 0:
                text += " (penalties do not decay)"
            reasons.append(Reason(f"score.{group.id}.{rule_id}", text, earned))
        return _capped(group, raw, reasons)


def _fit_reason(group: str, rule: str, points: int, when: CompiledCondition) -> Reason:
    return Reason(f"score.{group}.{rule}", f"{when.text} {signed(points)}", points)


def _capped(group: ScoreGroup, raw: float, reasons: list[Reason]) -> GroupScore:
    points = min(max(raw, 0.0), float(group.cap))
    if raw > group.cap:
        reasons.append(Reason(f"score.{group.id}.cap", f"{group.id} capped at {group.cap}"))
    elif raw < 0:
        reasons.append(Reason(f"score.{group.id}.floor", f"{group.id} held at 0"))
    return GroupScore(group.id, group.kind, points, raw, group.cap, tuple(reasons))
