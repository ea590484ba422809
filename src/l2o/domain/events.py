"""Domain events: facts, named in the past tense, that other parts react to.

Events are small frozen dataclasses. The store's unit of work writes them to the outbox
(``uow.publish(event)``) in the same transaction as the change, as ``event_type`` plus
``to_payload()``; the worker delivers them as webhooks and notifications.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from l2o.domain.base import jsonable
from l2o.domain.opportunities import Opportunity, StageChange

__all__ = [
    "AccountHealthChanged",
    "AccountSignalRaised",
    "ApprovalDecided",
    "ApprovalRequested",
    "Event",
    "LeadConverted",
    "LeadRouted",
    "LeadSlaBreached",
    "LeadStageReached",
    "OpportunityClosed",
    "OpportunityStageChanged",
    "OpportunityStalled",
    "OrderBooked",
    "RenewalWindowReached",
    "SequenceEnrolled",
]


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of domain events: a type name and a JSON payload of its fields."""

    @property
    def event_type(self) -> str:
        """The name the outbox and webhook consumers know the event by (the class name)."""
        return type(self).__name__

    def to_payload(self) -> dict[str, Any]:
        """The fields as JSON data: money and dates as strings, so nothing loses precision."""
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True, kw_only=True)
class OpportunityStageChanged(Event):
    """An opportunity moved from one stage to another."""

    opportunity_id: str
    from_stage: str | None
    to_stage: str
    changed_at: datetime
    changed_by: str | None = None
    amount: Decimal | None = None
    currency: str = "USD"
    criteria_met: bool | None = None
    override_reason: str | None = None

    @classmethod
    def of(cls, opportunity: Opportunity, change: StageChange) -> OpportunityStageChanged:
        """The event for ``change``, a move just made by ``opportunity.move_to_stage``."""
        return cls(
            opportunity_id=opportunity.id,
            from_stage=change.from_stage,
            to_stage=change.to_stage,
            changed_at=change.changed_at,
            changed_by=change.changed_by,
            amount=change.amount,
            currency=opportunity.currency,
            criteria_met=change.criteria_met,
            override_reason=change.override_reason,
        )


@dataclass(frozen=True, kw_only=True)
class OpportunityClosed(Event):
    """An opportunity was closed, won or lost."""

    opportunity_id: str
    account_id: str | None
    won: bool
    closed_at: datetime
    amount: Decimal | None = None
    currency: str = "USD"
    close_date: date | None = None
    loss_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class LeadConverted(Event):
    """A lead became a contact on an account, possibly with a new opportunity."""

    lead_id: str
    contact_id: str
    account_id: str
    opportunity_id: str | None
    converted_at: datetime


@dataclass(frozen=True, kw_only=True)
class ApprovalDecided(Event):
    """An approval was approved, rejected or expired."""

    approval_id: str
    quote_id: str
    status: str
    approver_role: str
    approver_id: str | None
    decided_at: datetime
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class LeadRouted(Event):
    """A lead was given to an owner (or to nobody: it needs a person), and why."""

    lead_id: str
    assignment_id: str
    owner_id: str | None
    rule: str | None
    pool: str | None
    why: str
    assigned_at: datetime
    trigger: str = "new_lead"


@dataclass(frozen=True, kw_only=True)
class LeadStageReached(Event):
    """A lead reached a lifecycle stage of the spec (e.g. ``mql``) at its scores."""

    lead_id: str
    stage: str
    status: str | None
    reached_at: datetime
    score: float
    owner_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class OpportunityStalled(Event):
    """A deal has sat in its stage past the stage's limit (``max_days_in_stage``)."""

    opportunity_id: str
    pipeline: str
    stage: str
    owner_id: str | None
    days_in_stage: float
    limit_days: int | None
    stage_entered_at: datetime | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class ApprovalRequested(Event):
    """A quote needs a role's approval (the chain's step), for discounts up to a percentage."""

    approval_id: str
    quote_id: str
    approver_role: str
    discount_pct: Decimal | None
    requested_by: str | None
    requested_at: datetime
    expires_at: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class OrderBooked(Event):
    """An accepted, approved quote became an order and a contract with its term."""

    order_id: str
    quote_id: str
    contract_id: str | None
    account_id: str
    opportunity_id: str | None
    total_amount: Decimal
    currency: str
    ordered_at: datetime
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True, kw_only=True)
class SequenceEnrolled(Event):
    """A record was enrolled in a nurture sequence of the spec (the worker runs its steps)."""

    source: str
    sequence: str
    record_type: str
    record_id: str
    enrolled_at: datetime


@dataclass(frozen=True, kw_only=True)
class AccountSignalRaised(Event):
    """A lifecycle signal on an account: ``kind`` is ``churn_risk``, ``expansion`` or
    ``renewal_window``; ``signal`` the spec's id; ``reason`` the rule in words."""

    account_id: str
    kind: str
    signal: str
    reason: str
    raised_at: datetime
    severity: str | None = None
    record_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class AccountHealthChanged(Event):
    """An account's stored health score changed (``previous`` ``None``: its first score)."""

    account_id: str
    score: float | None
    previous: float | None
    band: str | None
    coverage: float
    reasons: tuple[str, ...]
    scored_at: datetime


@dataclass(frozen=True, kw_only=True)
class RenewalWindowReached(Event):
    """A contract entered a renewal window; ``open_opportunity`` asks for the renewal deal,
    and ``opportunity_id`` names it when it was opened in the same transaction."""

    contract_id: str
    account_id: str
    end_date: date
    days_left: int
    window_days: int
    open_opportunity: bool
    pipeline: str | None
    owner_role: str
    reason: str
    opportunity_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class LeadSlaBreached(Event):
    """A lead's owner did not act within a hand-off SLA; ``reroute`` asks for a new owner."""

    lead_id: str
    sla: str
    lead_stage: str
    owner_id: str | None
    owner_role: str
    started_at: datetime
    due_at: datetime
    minutes_over: float
    escalate_to: str | None
    reroute: bool
    reasons: tuple[str, ...]
