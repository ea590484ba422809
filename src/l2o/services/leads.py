"""Leads: add one, log what it does (rescore, lifecycle stages), route it with the why stored.

::

    outcome = add_lead(system, AddLead(email="ana@globex.example", title="Head of Data", at=now))
    log_touchpoint(system, LogTouchpoint(lead_id=outcome.lead_id, touch_type="demo_request",
                                         at=now))
    route_lead(system, RouteLead(lead_id=outcome.lead_id, at=now)).assignment.why

- **Scores** are recomputed from every touchpoint on each new one (:class:`LeadScorer`),
  with the lead's matched account's firmographics (its converted account, else the account
  whose ``domain`` is the lead's email domain).
- **Learned conversion probability**: when the engine holds a learned lead-conversion model
  the AI-readiness gate switched on, every scored open lead also gets its
  ``conversion_probability`` and the features that moved it (the outcome's
  ``learned_reasons``); when the gate keeps the rules, the probability is cleared and the
  reasons say why. The spec's thresholds still decide the stages.
- **Lifecycle**: stages the thresholds reach move the lead forward (never back), each
  stamped with the moment the threshold was met; each publishes ``LeadStageReached`` and
  fires the ``lifecycle_stage_changed`` workflows. A lead reaching a later stage without an
  owner is routed.
- **Routing** (:class:`LeadRouter`) reads and writes the stored pool state in the same
  transaction as the ``Assignment`` that records the rule, the pool and pointer, the reasons
  and every alternative passed over. Pool members named by email resolve to users. The state
  row is versioned, so two routings at once cannot overfill a rep; the loser starts again.

Each command is one transaction: a lead added and routed, or a touch logged with its new
scores, stages and (for a new MQL without an owner) its routing, commit together or not at
all. The rules themselves are :func:`rescore_lead` and :func:`assign_lead`, which
:mod:`l2o.services.leads_batch` applies in the same way to many leads in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, overload

from l2o.domain import (
    ROUTING_STATE_ID,
    Account,
    AddLead,
    Assignment,
    Lead,
    LeadRouted,
    LeadStageReached,
    LeadStatus,
    LogTouchpoint,
    RouteLead,
    RoutingState,
    Touchpoint,
    new_id,
)
from l2o.engine import (
    EngineRules,
    LeadScore,
    LearnedProbability,
    PoolState,
    Reason,
    RoutingDecision,
    lead_derived_fields,
)
from l2o.errors import StaleRecord
from l2o.services.bootstrap import RevenueSystem
from l2o.services.errors import CommandRefused
from l2o.services.users import find_user
from l2o.services.workflow_runs import run_workflows
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "LeadOutcome",
    "NewTouch",
    "Routed",
    "add_lead",
    "assign_lead",
    "assignments_of",
    "check_arrival",
    "lead_outcome",
    "lead_values",
    "log_touchpoint",
    "matched_account",
    "rescore_lead",
    "rescore_lead_explained",
    "route_lead",
    "touchpoint_values",
]

_RANK: Mapping[LeadStatus, int] = {
    LeadStatus.NEW: 0,
    LeadStatus.WORKING: 1,
    LeadStatus.RECYCLED: 1,
    LeadStatus.MQL: 2,
    LeadStatus.SAL: 3,
    LeadStatus.SQL: 4,
}
_ATTEMPTS = 3
_SET_BY_SCORING = frozenset({"score", "fit_score", "engagement_score"})
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Routed:
    """A routing: the stored assignment and the engine's decision behind it."""

    assignment: Assignment
    decision: RoutingDecision

    def to_json(self) -> dict[str, object]:
        """The assignment as JSON data: owner, rule, pool, pointer, why, alternatives."""
        a = self.assignment
        return {
            "lead_id": a.lead_id,
            "assignment_id": a.id,
            "owner_id": a.owner_id,
            "assignee": a.assignee,
            "rule": a.rule,
            "pool": a.pool,
            "pointer": a.pointer,
            "why": a.why,
            "reasons": a.reasons,
            "alternatives": a.alternatives,
        }


@dataclass(frozen=True, slots=True)
class LeadOutcome:
    """A lead after a command: its scores and status, stages reached, and any routing; with
    a learned model, its conversion probability and the reasons (or why there is none)."""

    lead_id: str
    status: LeadStatus
    score: LeadScore
    stages_reached: tuple[str, ...]
    routed: Routed | None
    conversion_probability: float | None = None
    learned_reasons: tuple[Reason, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The outcome as JSON data."""
        return {
            "lead_id": self.lead_id,
            "status": self.status.value,
            "fit": round(self.score.fit, 1),
            "engagement": round(self.score.engagement, 1),
            "score": round(self.score.total, 1),
            "reasons": [r.text for r in self.score.reasons],
            "conversion_probability": self.conversion_probability,
            "learned_reasons": [r.text for r in self.learned_reasons],
            "stages_reached": list(self.stages_reached),
            "routed": self.routed.to_json() if self.routed else None,
        }


@dataclass(frozen=True, kw_only=True)
class NewTouch:
    """A touchpoint that comes with a new lead: :class:`~l2o.domain.LogTouchpoint` without
    the lead's id (the lead does not exist yet)."""

    touch_type: str
    at: datetime
    channel: str | None = None
    campaign_id: str | None = None
    user_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def add_lead(
    system: RevenueSystem, command: AddLead, *, touches: Sequence[NewTouch] = ()
) -> LeadOutcome:
    """Add, score and stage a lead and (with ``command.route``) route it, in one transaction.

    ``touches`` are what the lead did up to its arrival (``command.at``): they are stored
    with it and scored with it, once. A touch after the arrival is refused (log it with
    :func:`log_touchpoint`). :func:`l2o.services.leads_batch.add_leads` does the same for
    many leads in one transaction.
    """
    at = system.now(command.at)
    lead_id = new_id()
    check_arrival(lead_id, at, touches, system.now)

    def work(uow: SqlAlchemyUnitOfWork) -> LeadOutcome:
        lead = uow.leads.add(Lead(**lead_values(command, lead_id, at)))
        logged = [
            uow.touchpoints.add(Touchpoint(**values))
            for values in touchpoint_values(touches, lead_id, system.now)
        ]
        for touch in logged:
            if touch.user_id is not None:
                lead.record_touch(touch.occurred_at)
        account = matched_account(uow, lead)
        # In the order the store hands a lead's touchpoints back (by id), as log_touchpoint.
        logged.sort(key=lambda t: t.id)
        score, reached, learned = rescore_lead_explained(
            uow, system.rules, lead, account, logged, at
        )
        routed = None
        if command.route:
            routed = _route(uow, system, lead, at, (), "new_lead", command.requested_by)
        return lead_outcome(system.rules, lead, score, reached, routed, learned)

    return _retrying(system, command.requested_by, work)


def lead_values(command: AddLead, lead_id: str, at: datetime) -> dict[str, Any]:
    """The fields of the lead ``command`` adds, with ``lead_id`` and arriving at ``at``."""
    return {
        "id": lead_id,
        "first_name": command.first_name,
        "last_name": command.last_name,
        "email": command.email,
        "phone": command.phone,
        "company": command.company,
        "title": command.title,
        "country": command.country,
        "lead_source": command.lead_source,
        "channel": command.channel,
        "custom_fields": dict(command.custom_fields),
        "created_at": at,
    }


def touchpoint_values(
    touches: Sequence[NewTouch],
    lead_id: str,
    now: Callable[[datetime], datetime],
    *,
    make_id: Callable[[], str] = new_id,
) -> list[dict[str, Any]]:
    """The fields of the touchpoints ``touches`` store for lead ``lead_id``, each with a
    fresh id from ``make_id`` (a batch draws them from an ``IdSupply``)."""
    return [
        {
            "id": make_id(),
            "occurred_at": now(touch.at),
            "touch_type": touch.touch_type,
            "channel": touch.channel,
            "campaign_id": touch.campaign_id,
            "lead_id": lead_id,
            "user_id": touch.user_id,
            "details": dict(touch.details),
        }
        for touch in touches
    ]


def check_arrival(
    lead_id: str,
    at: datetime,
    touches: Sequence[NewTouch],
    now: Callable[[datetime], datetime],
) -> None:
    """Refuse touches dated after the lead's arrival: a new lead is scored as of ``at``."""
    late = [t for t in touches if now(t.at) > at]
    if late:
        raise CommandRefused(
            "Lead",
            lead_id,
            "lead.touch_after_arrival",
            [
                f"touch {t.touch_type} at {now(t.at).isoformat()} is after the lead's arrival "
                f"at {at.isoformat()}: log it with log_touchpoint"
                for t in late
            ],
        )


def log_touchpoint(system: RevenueSystem, command: LogTouchpoint) -> LeadOutcome:
    """Record a touchpoint, rescore the lead and move it through the stages it now reaches;
    a lead reaching a stage without an owner is routed, all in one transaction."""
    at = system.now(command.at)
    touch_id = new_id()

    def work(uow: SqlAlchemyUnitOfWork) -> LeadOutcome:
        lead = uow.leads.get(command.lead_id)
        uow.touchpoints.add(
            Touchpoint(
                id=touch_id,
                occurred_at=at,
                touch_type=command.touch_type,
                channel=command.channel,
                campaign_id=command.campaign_id,
                lead_id=lead.id,
                user_id=command.user_id,
                details=dict(command.details),
            )
        )
        if command.user_id is not None:
            lead.record_touch(at)
        score, reached, learned = _rescore(uow, system, lead, at)
        routed = None
        if reached and lead.owner_id is None and lead.is_open:
            routed = _route(uow, system, lead, at, (), "new_lead", command.requested_by)
        return lead_outcome(system.rules, lead, score, reached, routed, learned)

    return _retrying(system, command.requested_by, work)


@overload
def route_lead(system: RevenueSystem, command: RouteLead) -> Routed: ...


@overload
def route_lead(
    system: RevenueSystem,
    command: RouteLead,
    *,
    only_if: Callable[[SqlAlchemyUnitOfWork], bool],
) -> Routed | None: ...


def route_lead(
    system: RevenueSystem,
    command: RouteLead,
    *,
    only_if: Callable[[SqlAlchemyUnitOfWork], bool] | None = None,
) -> Routed | None:
    """Route (or re-route) the lead now; the assignment and the pools' new state commit
    together.

    ``only_if`` runs first in the same transaction: when it returns false nothing is routed
    (``None``). The SLA timer uses it so a breach's event and its re-route commit together,
    once: ``only_if=lambda uow: publish_once(uow, breach, key)``.
    """
    at = system.now(command.at)

    def work(uow: SqlAlchemyUnitOfWork) -> Routed | None:
        if only_if is not None and not only_if(uow):
            return None
        lead = uow.leads.get(command.lead_id)
        return _route(uow, system, lead, at, command.exclude, command.trigger, command.requested_by)

    return _retrying(system, command.requested_by, work)


def _retrying(
    system: RevenueSystem, actor: str | None, work: Callable[[SqlAlchemyUnitOfWork], T]
) -> T:
    # Routing writes the one pool-state row: a routing committed meanwhile makes this one
    # stale, and it starts again from the new state, so capacity is never overrun.
    for attempt in range(_ATTEMPTS):
        try:
            with system.unit_of_work(actor) as uow:
                result = work(uow)
                uow.commit()
            return result
        except StaleRecord:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def assignments_of(system: RevenueSystem, lead_id: str) -> list[Assignment]:
    """Every routing of the lead, oldest first (``RecordNotFound`` for an unknown lead)."""
    with system.unit_of_work() as uow:
        uow.leads.get(lead_id)
        found = uow.assignments.list(lead_id=lead_id)
    return sorted(found, key=lambda a: (a.assigned_at, a.id))


def matched_account(uow: SqlAlchemyUnitOfWork, lead: Lead) -> Account | None:
    """The lead's account: its converted account, else the one with its email's domain."""
    if lead.converted_account_id:
        return uow.accounts.find(lead.converted_account_id)
    if not lead.email or "@" not in lead.email:
        return None
    domain = lead.email.rsplit("@", 1)[1].lower()
    accounts = uow.accounts.list(domain=domain, merged_into_id=None)
    return accounts[0] if accounts else None


def _rescore(
    uow: SqlAlchemyUnitOfWork, system: RevenueSystem, lead: Lead, at: datetime
) -> tuple[LeadScore, tuple[str, ...], LearnedProbability | None]:
    account = matched_account(uow, lead)
    touches = uow.touchpoints.list(lead_id=lead.id)
    return rescore_lead_explained(uow, system.rules, lead, account, touches, at)


def lead_outcome(
    rules: EngineRules,
    lead: Lead,
    score: LeadScore,
    reached: tuple[str, ...],
    routed: Routed | None,
    learned: LearnedProbability | None,
) -> LeadOutcome:
    """What a command tells of ``lead``: its score, status, stages reached and routing, and
    its learned conversion probability with the reasons (or why the rules stay)."""
    scoring = rules.lead_conversion
    reasons = scoring.explanation(learned) if scoring is not None else ()
    return LeadOutcome(
        lead.id, lead.status, score, reached, routed, lead.conversion_probability, reasons
    )


def rescore_lead(
    uow: SqlAlchemyUnitOfWork,
    rules: EngineRules,
    lead: Lead,
    account: Account | None,
    touches: Sequence[Touchpoint],
    at: datetime,
) -> tuple[LeadScore, tuple[str, ...]]:
    """Score ``lead`` from ``touches`` as of ``at`` and move it through the stages reached.

    The one scoring and lifecycle rule of every path (one command, a batch): the scores are
    set on the lead (and, with a learned model switched on, its conversion probability),
    each stage reached changes its status with the time the threshold was met, publishes
    ``LeadStageReached`` and fires the ``lifecycle_stage_changed`` workflows in ``uow``.
    Returns the score and the stages reached now (:func:`rescore_lead_explained` also
    returns the learned probability with its reasons).
    """
    score, reached, _ = rescore_lead_explained(uow, rules, lead, account, touches, at)
    return score, reached


def rescore_lead_explained(
    uow: SqlAlchemyUnitOfWork,
    rules: EngineRules,
    lead: Lead,
    account: Account | None,
    touches: Sequence[Touchpoint],
    at: datetime,
) -> tuple[LeadScore, tuple[str, ...], LearnedProbability | None]:
    """:func:`rescore_lead`, also returning the learned conversion probability and the
    features that moved it (``None`` while the gate keeps the rules or the lead is closed)."""
    derived = lead_derived_fields(lead, account)
    # The touches as the scorer and the lifecycle both read them, worked out once.
    events = rules.scoring.events(touches, as_of=at)
    score = rules.scoring.score(lead, touches, as_of=at, derived=derived, events=events)
    lead.fit_score = round(score.fit, 2)
    lead.engagement_score = round(score.engagement, 2)
    learned = None
    if rules.lead_conversion is not None and lead.is_open:
        # The same features the model learned from, as of min(at, its scoring moment).
        learned = rules.lead_conversion.probability(lead, account, touches, at)
        lead.conversion_probability = learned.probability if learned is not None else None
    derived["score"] = score.total
    # The fit just scored stands unless a fit rule reads what scoring has just changed.
    fit = score.fit if rules.scoring.fit_fields.isdisjoint(_SET_BY_SCORING) else None
    shared = events if rules.lead_stages.scorer is rules.scoring else None
    stages = rules.lead_stages.transitions(
        lead, touches, as_of=at, derived=derived, fit=fit, events=shared
    )
    reached: list[str] = []
    if not lead.is_open:
        return score, (), learned
    for step in stages.reached[1:]:
        status = _status_of(step.stage)
        if status is None or _RANK[status] <= _RANK.get(lead.status, 0):
            continue
        lead.change_status(status, step.at)
        reached.append(step.stage)
        uow.publish(
            LeadStageReached(
                lead_id=lead.id,
                stage=step.stage,
                status=status.value,
                reached_at=step.at,
                score=round(step.score, 2),
                owner_id=lead.owner_id,
            )
        )
        run_workflows(
            uow,
            rules,
            "lead",
            "lifecycle_stage_changed",
            lead,
            at=at,
            derived=derived,
            changed_fields={"status"},
        )
    return score, tuple(reached), learned


def _status_of(stage: str) -> LeadStatus | None:
    try:
        return LeadStatus(stage)
    except ValueError:
        return None


def _route(
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    lead: Lead,
    at: datetime,
    exclude: tuple[str, ...],
    trigger: str,
    by: str | None,
) -> Routed:
    account = matched_account(uow, lead)
    stored = uow.routing_state.find(ROUTING_STATE_ID)
    if stored is None:
        stored = uow.routing_state.add(RoutingState(updated_at=at))
    state = PoolState(stored.day, dict(stored.loads), dict(stored.pointers))

    def user_id_of(reference: str) -> str | None:
        owner = find_user(uow, reference)
        return owner.id if owner is not None else None

    routed = assign_lead(
        uow,
        system.rules,
        lead,
        account,
        state,
        at,
        exclude=_excluded(uow, exclude),
        trigger=trigger,
        by=by,
        user_id_of=user_id_of,
    )
    uow.assignments.add(routed.assignment)
    new_state = routed.decision.state
    stored.day = new_state.day
    stored.loads = dict(new_state.loads)
    stored.pointers = dict(new_state.pointers)
    stored.updated_at = at
    return routed


def assign_lead(
    uow: SqlAlchemyUnitOfWork,
    rules: EngineRules,
    lead: Lead,
    account: Account | None,
    state: PoolState,
    at: datetime,
    *,
    exclude: Collection[str],
    trigger: str,
    by: str | None,
    user_id_of: Callable[[str], str | None],
    make_assignment: Callable[[dict[str, Any]], Assignment] = lambda values: Assignment(**values),
    make_id: Callable[[], str] = new_id,
) -> Routed:
    """Route ``lead`` from the pools' ``state`` and give it to the owner the rules choose.

    The one routing rule of every path: the decision (its new pool state in
    ``Routed.decision.state``, for the caller to store), the lead assigned to the user
    ``user_id_of`` resolves the chosen rep to (a rep who is no user is a refusal), the
    ``Assignment`` (made by ``make_assignment`` from its fields and an id from ``make_id``,
    for the caller to store) and ``LeadRouted`` published in ``uow``.
    """
    if not lead.is_open:
        raise CommandRefused("Lead", lead.id, "routing.closed", [f"the lead is {lead.status}"])
    decision = rules.routing.route(lead, account=account, state=state, at=at, exclude=exclude)
    owner_id = None
    if decision.owner_id is not None:
        owner_id = user_id_of(decision.owner_id)
        if owner_id is None:
            where = f"pool {decision.pool}" if decision.pool else f"rule {decision.rule}"
            raise CommandRefused(
                "Lead",
                lead.id,
                f"routing.{decision.rule}",
                [f"{where} names {decision.owner_id}, who is not a user in the store"],
            )
        lead.assign(owner_id, at)
    assignment = make_assignment(
        {
            "id": make_id(),
            "lead_id": lead.id,
            "owner_id": owner_id,
            "assignee": decision.owner_id,
            "rule": decision.rule,
            "pool": decision.pool,
            "pointer": decision.pointer,
            "segment": decision.segment,
            "territory": decision.territory,
            "reasons": [{"rule": r.rule, "text": r.text} for r in decision.reasons],
            "alternatives": [
                {"rule": a.rule, "owner": a.owner_id, "why_not": a.why_not}
                for a in decision.alternatives
            ],
            "trigger": trigger,
            "assigned_at": at,
            "assigned_by": by,
        }
    )
    uow.publish(
        LeadRouted(
            lead_id=lead.id,
            assignment_id=assignment.id,
            owner_id=owner_id,
            rule=decision.rule,
            pool=decision.pool,
            why=assignment.why,
            assigned_at=at,
            trigger=trigger,
        )
    )
    return Routed(assignment, decision)


def _excluded(uow: SqlAlchemyUnitOfWork, references: tuple[str, ...]) -> set[str]:
    # The engine compares reps as the spec names them; a command may name a user by id.
    names: set[str] = set()
    for reference in references:
        names.add(reference)
        user = find_user(uow, reference)
        if user is not None:
            names.update(filter(None, (user.id, user.email)))
    return names
