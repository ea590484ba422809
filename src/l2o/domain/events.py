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
    "ApprovalDecided",
    "Event",
    "LeadConverted",
    "OpportunityClosed",
    "OpportunityStageChanged",
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
