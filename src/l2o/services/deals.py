"""Deals: move an opportunity through its pipeline's gates, override them, flag stalls.

::

    move = advance_opportunity(system, ChangeOpportunityStage(
        opportunity_id=deal_id, to_stage="solution_validation", at=now, requested_by=user_id))

Every move goes through :meth:`StageGates.check` with the related records counted from the
store (:mod:`l2o.services.deal_facts`). A refusal raises :class:`CommandRefused` listing
every missing criterion. An override needs a role the deal's pipeline lists in
``override_roles`` (held by the person, when the command names one) and a reason; the
move records both on its ``StageChange`` and adds an audit row
(``field = stage_gate_override``) listing what was waived. The move, its audit rows, its
outbox events (``OpportunityStageChanged``, ``OpportunityClosed``) and the workflows it fires
(``stage_changed``, ``closed_won``/``closed_lost``; onboarding tasks on a win) commit
together, or not at all. Two people moving the same deal: the second gets ``StaleRecord``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from l2o.domain import (
    AuditAction,
    AuditEntry,
    ChangeOpportunityStage,
    ForecastCategory,
    Opportunity,
    OpportunityClosed,
    OpportunityStageChanged,
    OpportunityStalled,
)
from l2o.engine import GateDecision, Override, Reason, StallCheck
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deal_facts import deal_derived_fields, gate_facts
from l2o.services.errors import CommandRefused
from l2o.services.users import find_user
from l2o.services.workflow_runs import apply_actions, run_workflows
from l2o.spec.workflows import TriggerEvent
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "StageMove",
    "StallFlag",
    "advance_opportunity",
    "flag_stalled",
    "move_opportunity",
    "requested_override",
]


@dataclass(frozen=True, slots=True)
class StageMove:
    """A stage move made: from, to, the gate's decision and what the move set off."""

    opportunity_id: str
    from_stage: str
    to_stage: str
    decision: GateDecision
    change_id: str
    workflows: tuple[str, ...]
    tasks: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The move as JSON data, with the gate's reasons."""
        return {
            "opportunity_id": self.opportunity_id,
            "from_stage": self.from_stage,
            "to_stage": self.to_stage,
            "criteria_met": self.decision.criteria_met,
            "override_used": self.decision.override_used,
            "reasons": [r.text for r in self.decision.reasons],
            "stage_change_id": self.change_id,
            "workflows": list(self.workflows),
            "tasks": list(self.tasks),
        }


@dataclass(frozen=True, slots=True)
class StallFlag:
    """A deal past its stage's stall limit; ``new`` when this run flagged it."""

    opportunity_id: str
    name: str
    owner_id: str | None
    check: StallCheck
    new: bool

    def to_json(self) -> dict[str, object]:
        """The flag as JSON data."""
        return {
            "opportunity_id": self.opportunity_id,
            "name": self.name,
            "owner_id": self.owner_id,
            "stage": self.check.stage,
            "days_in_stage": round(self.check.days_in_stage, 1),
            "limit": self.check.limit,
            "reason": self.check.reason.text,
            "new": self.new,
        }


def advance_opportunity(system: RevenueSystem, command: ChangeOpportunityStage) -> StageMove:
    """Move a deal to ``command.to_stage`` through its gate, in one transaction."""
    with system.unit_of_work(command.requested_by) as uow:
        move = move_opportunity(uow, system, command)
        uow.commit()
    return move


def move_opportunity(
    uow: SqlAlchemyUnitOfWork, system: RevenueSystem, command: ChangeOpportunityStage
) -> StageMove:
    """:func:`advance_opportunity` inside an open unit of work (the caller commits)."""
    at = system.now(command.at)
    deal = uow.opportunities.get(command.opportunity_id)
    gate = system.rules.gates.for_pipeline(deal.pipeline)
    target = gate.stages.get(command.to_stage)
    if target is not None and target.outcome == "lost" and command.loss_reason:
        deal.loss_reason = command.loss_reason
    override = requested_override(uow, deal, command)
    decision = gate.check(
        deal,
        command.to_stage,
        related=gate_facts(uow, deal, system.spec),
        derived=deal_derived_fields(uow, deal, at),
        override=override,
    )
    if not decision.allowed:
        rule = decision.reasons[0].rule if decision.reasons else "gate"
        raise CommandRefused("Opportunity", deal.id, rule, decision.reasons)
    assert target is not None  # an unknown stage is an invalid move, refused above
    from_stage = deal.stage
    by = command.requested_by
    overridden = override if decision.override_used else None
    if target.outcome == "open":
        change = deal.move_to_stage(
            target.id,
            at=at,
            by=by,
            criteria_met=decision.criteria_met,
            override_reason=overridden.reason.strip() if overridden else None,
            override_role=overridden.role if overridden else None,
            probability=Decimal(target.probability),
        )
        deal.forecast_category = ForecastCategory(target.forecast_category)
    else:
        change = deal.close(
            stage=target.id,
            won=target.outcome == "won",
            at=at,
            by=by,
            loss_reason=deal.loss_reason or (overridden.reason if overridden else None),
            criteria_met=decision.criteria_met,
            override_reason=overridden.reason.strip() if overridden else None,
            override_role=overridden.role if overridden else None,
        )
    if overridden is not None:
        uow.audit.add(_override_audit(deal, decision, overridden, uow, system, at))
    uow.publish(OpportunityStageChanged.of(deal, change))
    derived = deal_derived_fields(uow, deal, at)
    fired = run_workflows(
        uow,
        system.rules,
        "opportunity",
        "stage_changed",
        deal,
        at=at,
        derived=derived,
        previous={"stage": from_stage},
        changed_fields={"stage"},
    )
    workflows, tasks = list(fired.workflows), list(fired.tasks)
    if deal.is_closed:
        uow.publish(
            OpportunityClosed(
                opportunity_id=deal.id,
                account_id=deal.account_id,
                won=deal.is_won,
                closed_at=at,
                amount=deal.amount,
                currency=deal.currency,
                close_date=deal.close_date,
                loss_reason=deal.loss_reason,
            )
        )
        event: TriggerEvent = "closed_won" if deal.is_won else "closed_lost"
        fired = run_workflows(uow, system.rules, "opportunity", event, deal, at=at, derived=derived)
        workflows += fired.workflows
        tasks += fired.tasks
        if deal.is_won and deal.account_id:
            account = uow.accounts.get(deal.account_id)
            planned = system.rules.lifecycle.onboarding_tasks(account, closed_at=at)
            tasks += apply_actions(uow, planned, account, at=at).tasks
    return StageMove(
        deal.id, from_stage, target.id, decision, change.id, tuple(workflows), tuple(tasks)
    )


def flag_stalled(
    system: RevenueSystem, *, now: datetime | None = None, actor: str | None = None
) -> list[StallFlag]:
    """Every open deal past its stage's stall limit; newly stalled ones are flagged.

    A deal is flagged once per stage (``stalled_at``; the next move clears it): the flag
    publishes ``OpportunityStalled`` and fires the spec's ``stalled`` workflows.
    """
    at = system.now(now)
    flags: list[StallFlag] = []
    with system.unit_of_work(actor) as uow:
        open_deals = uow.opportunities.list(is_closed=False)
        for deal, check in system.rules.gates.stalled(open_deals, at):
            new = deal.stalled_at is None
            if new:
                deal.stalled_at = at
                uow.publish(
                    OpportunityStalled(
                        opportunity_id=deal.id,
                        pipeline=deal.pipeline,
                        stage=check.stage,
                        owner_id=deal.owner_id,
                        days_in_stage=round(check.days_in_stage, 1),
                        limit_days=check.limit,
                        stage_entered_at=deal.stage_entered_at,
                        reason=check.reason.text,
                    )
                )
                run_workflows(
                    uow,
                    system.rules,
                    "opportunity",
                    "stalled",
                    deal,
                    at=at,
                    derived=deal_derived_fields(uow, deal, at),
                )
            flags.append(StallFlag(deal.id, deal.name, deal.owner_id, check, new))
        uow.commit()
    return flags


def requested_override(
    uow: SqlAlchemyUnitOfWork, deal: Opportunity, command: ChangeOpportunityStage
) -> Override | None:
    """The override ``command`` asks for (``None``: none), refused when the person named
    does not hold the role; whether the role may override is the gate's rule."""
    if command.override_role is None and command.override_reason is None:
        return None
    role = command.override_role or ""
    # Whether the role may override this pipeline's gates is the gate's rule (the spec's
    # override_roles); here only what needs the store: that the person holds the role.
    if command.requested_by is not None:
        person = find_user(uow, command.requested_by)
        if person is not None and not person.holds(role):
            raise CommandRefused(
                "Opportunity",
                deal.id,
                "gate.override.role",
                [f"{command.requested_by} does not hold the {role} role"],
            )
    return Override(role, command.override_reason or "", by=command.requested_by)


def _override_audit(
    deal: Opportunity,
    decision: GateDecision,
    override: Override,
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    at: datetime,
) -> AuditEntry:
    waived: list[Reason] = [*decision.policy]
    waived += [Reason(f"gate.{m.stage}.{m.kind}", str(m)) for m in decision.missing]
    return AuditEntry(
        record_type="Opportunity",
        record_id=deal.id,
        action=AuditAction.UPDATE,
        field="stage_gate_override",
        old_value=decision.from_stage,
        new_value={
            "to_stage": decision.to_stage,
            "role": override.role,
            "reason": override.reason.strip(),
            "waived": [r.text for r in waived],
        },
        changed_by=uow.actor,
        changed_at=at,
        source=system.source,
    )
