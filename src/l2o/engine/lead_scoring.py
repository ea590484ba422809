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
from l2o.engine.conditions import Predicate, compile_condition
from l2o.engine.explain import Reason, signed, words_kept
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


@dataclass(frozen=True, slots=True)
class _FitRules:
    """A fit group compiled: each rule's points, test and reason (the same words each time),
    and the reasons for the cap and the floor."""

    group: ScoreGroup
    rules: tuple[tuple[int, Predicate, Reason], ...]
    limits: tuple[Reason, Reason]


@dataclass(frozen=True, slots=True)
class _EngagementRules:
    """An engagement group compiled: the rule each event scores (its id, points and the rule
    its reasons name), the half-life, and the reasons for the cap and the floor."""

    group: ScoreGroup
    rules: dict[str, tuple[str, int, str]]
    half_life: float | None
    limits: tuple[Reason, Reason]


class LeadScorer:
    """The spec's scoring model compiled once; ``score`` recomputes a lead from its touches."""

    def __init__(
        self, spec: ArchitectureSpec, *, event_aliases: Mapping[str, str] = DEFAULT_EVENT_ALIASES
    ) -> None:
        scoring = spec.signals.scoring if spec.signals else None
        catalog = FieldCatalog(spec.custom_fields)
        self.groups: tuple[ScoreGroup, ...] = tuple(scoring.groups if scoring else ())
        self.event_aliases = dict(event_aliases)
        self._compiled: tuple[_FitRules | _EngagementRules, ...] = tuple(
            _compile_fit(group, catalog) if group.kind == "fit" else _compile_engagement(group)
            for group in self.groups
        )
        # The fields the fit rules read: the fit points change only when one of them does.
        self.fit_fields: frozenset[str] = frozenset(
            test.field
            for group in self.groups
            for rule in group.rules
            if rule.when is not None
            for test, _ in field_tests(rule.when, "when")
        )
        # An engagement reason's words (by rule, count and points, and the decayed points
        # rounded to 0.1): the same few lines for every lead.
        self._counted: dict[tuple[str, float, float], str] = {}
        self._decayed: dict[float, str] = {}

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
        events = []
        for touch in touchpoints:  # each attribute read once: records may be mapped classes
            at = touch.occurred_at
            if at <= as_of:
                touch_type = touch.touch_type
                events.append((as_utc(at), event_of(touch_type, touch_type)))
        return events

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
        groups = []
        fit: float = 0
        engagement: float = 0
        for compiled in self._compiled:
            if isinstance(compiled, _FitRules):
                group = _fit_group(compiled, fields)
                fit += group.points
            else:
                group = self._engagement_group(compiled, touches, as_of)
                engagement += group.points
            groups.append(group)
        return LeadScore(fit, engagement, as_of, tuple(groups), len(touches))

    def fit_points(self, lead: Lead, *, derived: Mapping[str, Any] | None = None) -> float:
        """The fit part of the score alone (it does not depend on time or touches)."""
        fields = RecordFields(lead, "lead", derived=derived)
        return sum(
            _fit_group(compiled, fields).points
            for compiled in self._compiled
            if isinstance(compiled, _FitRules)
        )

    def _engagement_group(
        self, compiled: _EngagementRules, touches: list[tuple[datetime, str]], as_of: datetime
    ) -> GroupScore:
        rules, half_life = compiled.rules, compiled.half_life
        totals: dict[tuple[str, int, str], list[float]] = {}
        raw = 0.0
        for at, event in touches:
            rule = rules.get(event)
            if rule is None:
                continue
            points = rule[1]
            if points > 0:
                age = (as_of - at).total_seconds() / _DAY_SECONDS
                earned = points * decay_factor(age, half_life)
            else:
                earned = float(points)
            raw += earned
            seen = totals.get(rule)
            if seen is None:
                seen = totals[rule] = [0.0, 0.0, 0.0]
            seen[0] += 1
            seen[1] += points
            seen[2] += earned
        reasons = []
        for (rule_id, _, reason_rule), (count, nominal, earned) in totals.items():
            text = self._counted_text(rule_id, count, nominal)
            # ``nominal`` is a whole number of points: rounded to 0.1, it is itself.
            shown = round(earned, 1) if nominal > 0 else nominal
            if shown != nominal:
                text += self._decayed_text(shown)
            elif nominal < 0:
                text += " (penalties do not decay)"
            reasons.append(Reason(reason_rule, text, earned))
        return _capped(compiled.group, compiled.limits, raw, reasons)

    def _counted_text(self, rule_id: str, count: float, nominal: float) -> str:
        """``demo_request x2 +80``: a rule's touches counted, before any decay."""
        return words_kept(
            self._counted,
            (rule_id, count, nominal),
            lambda: f"{rule_id} x{count:g} {signed(nominal)}",
        )

    def _decayed_text(self, shown: float) -> str:
        """`` (decayed to +12.3)``: what the touches earned after decay, rounded to 0.1."""
        return words_kept(self._decayed, shown, lambda: f" (decayed to {signed(shown)})")


def _compile_fit(group: ScoreGroup, catalog: FieldCatalog) -> _FitRules:
    rules = []
    for rule in group.rules:
        if rule.when is None:
            continue
        when = compile_condition(rule.when, "lead", catalog)
        reason = Reason(
            f"score.{group.id}.{rule.id}", f"{when.text} {signed(rule.points)}", rule.points
        )
        rules.append((rule.points, when.matches, reason))
    return _FitRules(group, tuple(rules), _limits(group))


def _compile_engagement(group: ScoreGroup) -> _EngagementRules:
    rules: dict[str, tuple[str, int, str]] = {
        rule.event: (rule.id, rule.points, f"score.{group.id}.{rule.id}")
        for rule in group.rules
        if rule.event
    }
    return _EngagementRules(group, rules, group.decay_half_life_days, _limits(group))


def _limits(group: ScoreGroup) -> tuple[Reason, Reason]:
    """The reasons a group gives when its points are held at the cap, or at 0."""
    return (
        Reason(f"score.{group.id}.cap", f"{group.id} capped at {group.cap}"),
        Reason(f"score.{group.id}.floor", f"{group.id} held at 0"),
    )


def _fit_group(compiled: _FitRules, fields: RecordFields) -> GroupScore:
    raw = 0.0
    reasons = []
    for points, matches, reason in compiled.rules:
        if matches(fields):
            raw += points
            reasons.append(reason)
    return _capped(compiled.group, compiled.limits, raw, reasons)


def _capped(
    group: ScoreGroup, limits: tuple[Reason, Reason], raw: float, reasons: list[Reason]
) -> GroupScore:
    points = min(max(raw, 0.0), float(group.cap))
    if raw > group.cap:
        reasons.append(limits[0])
    elif raw < 0:
        reasons.append(limits[1])
    return GroupScore(group.id, group.kind, points, raw, group.cap, tuple(reasons))
