"""Opportunities (deals), the history of their stage changes and of their other fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from l2o.domain.base import Record, as_utc, new_id, utc_now

__all__ = [
    "ForecastCategory",
    "Opportunity",
    "OpportunityFieldChange",
    "OpportunityType",
    "StageChange",
]


class OpportunityType(StrEnum):
    """Why the deal exists: a new logo, more for an existing customer, or a renewal."""

    NEW_BUSINESS = "new_business"
    EXPANSION = "expansion"
    RENEWAL = "renewal"


class ForecastCategory(StrEnum):
    """The forecast roll-up a deal counts in (the Salesforce standard set)."""

    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


@dataclass(kw_only=True, eq=False)
class StageChange(Record):
    """One move of an opportunity between stages, with the deal as it was at that moment.

    ``criteria_met`` says whether the stage's exit criteria held (``None``: not checked, e.g.
    imported history); an advance without them needs an ``override_reason``, given by someone
    in ``override_role``.
    """

    id: str = field(default_factory=new_id)
    opportunity_id: str
    from_stage: str | None
    to_stage: str
    changed_at: datetime
    changed_by: str | None = None
    amount: Decimal | None = None
    close_date: date | None = None
    criteria_met: bool | None = None
    override_reason: str | None = None
    override_role: str | None = None
    source_system: str | None = None
    source_id: str | None = None


@dataclass(kw_only=True, eq=False)
class OpportunityFieldChange(Record):
    """One edit of a deal field other than its stage: from what, to what, when and by whom.

    Values are kept as the text the source shows (dates as ``2025-06-30``, amounts as
    ``12500.00``), since one history mixes fields of every type. Salesforce's
    OpportunityFieldHistory and HubSpot's deal property history land here; a change of
    ``close_date`` to a later day is a slip (``close_date_slip_days``).
    """

    id: str = field(default_factory=new_id)
    opportunity_id: str
    field: str
    old_value: str | None = None
    new_value: str | None = None
    changed_at: datetime
    changed_by: str | None = None
    source_system: str | None = None
    source_id: str | None = None

    def close_date_slip_days(self) -> int | None:
        """Days the expected close date moved (later is positive), for a ``close_date`` change.

        ``None`` for other fields, or when either value is missing or not an ISO date.

        >>> OpportunityFieldChange(opportunity_id="o", field="close_date",
        ...     old_value="2025-03-31", new_value="2025-04-30",
        ...     changed_at=utc_now()).close_date_slip_days()
        30
        """
        if self.field != "close_date" or not self.old_value or not self.new_value:
            return None
        try:
            old, new = date.fromisoformat(self.old_value), date.fromisoformat(self.new_value)
        except ValueError:
            return None
        return (new - old).days


@dataclass(kw_only=True, eq=False)
class Opportunity(Record):
    """A deal: an account buying something of a type, moving through a pipeline's stages.

    ``qualification`` maps qualification items (MEDDICC, BANT...) to what is known, e.g.
    ``{"economic_buyer": "CFO Jane Doe", "metrics": "cut churn 20%"}``. ``stage_history``
    is ordered by time; ``move_to_stage`` is the one way the stage changes, so the history
    is complete. ``stalled_at`` is when the deal was flagged as past its stage's stall limit
    (cleared by the next stage move). ``version`` is the optimistic-lock counter kept by the
    store.
    """

    id: str = field(default_factory=new_id)
    name: str
    account_id: str | None = None
    owner_id: str | None = None
    pipeline: str = "default"
    stage: str
    stage_entered_at: datetime | None = None
    stalled_at: datetime | None = None
    amount: Decimal | None = None
    currency: str = "USD"
    close_date: date | None = None
    probability: Decimal | None = None
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    opportunity_type: OpportunityType = OpportunityType.NEW_BUSINESS
    created_at: datetime = field(default_factory=utc_now)
    closed_at: datetime | None = None
    is_closed: bool = False
    is_won: bool = False
    loss_reason: str | None = None
    lead_source: str | None = None
    next_step: str | None = None
    primary_contact_id: str | None = None
    qualification: dict[str, Any] = field(default_factory=dict)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    source_system: str | None = None
    source_id: str | None = None
    version: int = 0
    stage_history: list[StageChange] = field(default_factory=list)

    def move_to_stage(
        self,
        to_stage: str,
        *,
        at: datetime,
        by: str | None = None,
        criteria_met: bool | None = None,
        override_reason: str | None = None,
        override_role: str | None = None,
        probability: Decimal | None = None,
    ) -> StageChange:
        """Move the deal to ``to_stage`` and append the change to its history.

        Whether the move is *allowed* (exit criteria, overrides by role) is the engine's
        decision; this records it faithfully. Moving to the current stage is refused, since
        it would add a history row with no change.
        """
        if self.is_closed:
            raise ValueError(f"Opportunity {self.id}: closed deals do not change stage")
        if to_stage == self.stage:
            raise ValueError(f"Opportunity {self.id}: already in stage {to_stage!r}")
        if criteria_met is False and not override_reason:
            raise ValueError(
                f"Opportunity {self.id}: moving to {to_stage!r} without its exit criteria "
                "needs an override reason"
            )
        at = as_utc(at)
        change = StageChange(
            opportunity_id=self.id,
            from_stage=self.stage,
            to_stage=to_stage,
            changed_at=at,
            changed_by=by,
            amount=self.amount,
            close_date=self.close_date,
            criteria_met=criteria_met,
            override_reason=override_reason,
            override_role=override_role,
        )
        self.stage_history.append(change)
        self.stage = to_stage
        self.stage_entered_at = at
        self.stalled_at = None
        if probability is not None:
            self.probability = probability
        return change

    def close(
        self,
        *,
        stage: str,
        won: bool,
        at: datetime,
        by: str | None = None,
        loss_reason: str | None = None,
        criteria_met: bool | None = None,
        override_reason: str | None = None,
        override_role: str | None = None,
    ) -> StageChange:
        """Close the deal as won or lost in ``stage`` (a lost deal needs a ``loss_reason``)."""
        if not won and not loss_reason:
            raise ValueError(f"Opportunity {self.id}: a lost deal needs a loss reason")
        change = self.move_to_stage(
            stage,
            at=at,
            by=by,
            criteria_met=criteria_met,
            override_reason=override_reason,
            override_role=override_role,
            probability=Decimal(100) if won else Decimal(0),
        )
        self.is_closed = True
        self.is_won = won
        self.closed_at = change.changed_at
        self.loss_reason = None if won else loss_reason
        self.forecast_category = ForecastCategory.CLOSED if won else ForecastCategory.OMITTED
        return change

    def weighted_amount(self) -> Decimal | None:
        """Amount times probability (percent points), the figure a weighted forecast sums."""
        if self.amount is None or self.probability is None:
            return None
        return self.amount * self.probability / Decimal(100)
