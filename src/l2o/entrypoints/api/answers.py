"""What the command endpoints answer: one model per kind of outcome, so the OpenAPI document
describes each answer field by field.

The services already say what a command did as JSON data (``LeadOutcome.to_json()``,
``StageMove.to_json()``...); these models are that data's shape, in the same words.
Money and times inside a record stay strings as the store writes them (``"1200.50"``,
ISO 8601 with the zone), so nothing is rounded or re-formatted on the way out.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AccountHealthAnswer",
    "ApprovalDecisionAnswer",
    "AssignmentAnswer",
    "LeadOutcomeAnswer",
    "QuoteAnswer",
    "QuoteLineAnswer",
    "QuoteSubmissionAnswer",
    "RoutingAnswer",
    "StageMoveAnswer",
]


class StageMoveAnswer(BaseModel):
    """A deal moved through its stage gate: the gate's reasons and what the move set off."""

    opportunity_id: str
    from_stage: str
    to_stage: str
    criteria_met: bool = Field(description="Every exit criterion was met (no override).")
    override_used: bool
    reasons: list[str] = Field(description="The gate's reasons, one line each.")
    stage_change_id: str
    workflows: list[str] = Field(description="The workflows the move fired.")
    tasks: list[str] = Field(description="Ids of the tasks those workflows created.")


class QuoteSubmissionAnswer(BaseModel):
    """A quote submitted: the approvals its terms require and those still outstanding."""

    quote_id: str
    status: str
    required: list[str] = Field(description="Roles whose approval the quote needs.")
    outstanding: list[str] = Field(description="Roles that have not approved yet.")
    requested: list[str] = Field(description="Ids of the approval requests made now.")
    reasons: list[str]


class ApprovalDecisionAnswer(BaseModel):
    """An approval step decided, and where the quote stands after it."""

    approval_id: str
    quote_id: str
    role: str
    status: str
    quote_status: str
    outstanding: list[str]


class RoutingAnswer(BaseModel):
    """A lead routed: to whom, by which rule and pool, why, and who was passed over."""

    lead_id: str
    assignment_id: str
    owner_id: str | None = Field(description="None: no rule could assign it; it waits.")
    assignee: str | None = Field(description="The rep as the spec names them.")
    rule: str | None
    pool: str | None
    pointer: int | None
    why: str
    reasons: list[dict[str, Any]] = Field(description='The decision\'s lines: {"rule", "text"}.')
    alternatives: list[dict[str, Any]] = Field(
        description='What was passed over: {"rule", "owner", "why_not"}.'
    )


class LeadOutcomeAnswer(BaseModel):
    """A lead after a command: its scores and status, the stages reached, any routing."""

    lead_id: str
    status: str
    fit: float
    engagement: float
    score: float
    reasons: list[str] = Field(description="Why the lead scores what it does.")
    stages_reached: list[str] = Field(description="Lifecycle stages reached by this command.")
    routed: RoutingAnswer | None
    conversion_probability: float | None = Field(
        default=None,
        description="The learned lead-conversion model's probability, when the AI-readiness "
        "gate switched it on.",
    )
    learned_reasons: list[str] = Field(
        default_factory=list,
        description="What moved that probability, or why the engine keeps the rules.",
    )


class AssignmentAnswer(BaseModel):
    """One routing in a lead's log, as stored."""

    model_config = ConfigDict(extra="allow")

    id: str
    lead_id: str
    owner_id: str | None
    assignee: str | None
    rule: str | None
    pool: str | None
    pointer: int | None
    reasons: list[dict[str, Any]]
    alternatives: list[dict[str, Any]]
    trigger: str
    assigned_at: str
    assigned_by: str | None


class AccountHealthAnswer(BaseModel):
    """A customer's health scored again from a usage reading."""

    account_id: str
    score: float | None = Field(description="0-100; None without enough data.")
    band: str | None
    coverage: float = Field(description="How much of the weighting had data (0-1).")
    previous: float | None
    changed: bool
    reasons: list[str]


class QuoteLineAnswer(BaseModel):
    """A quote line as stored (money as decimal strings)."""

    model_config = ConfigDict(extra="allow")

    id: str
    quote_id: str
    product_id: str | None
    quantity: str
    list_price: str
    discount_pct: str
    net_price: str


class QuoteAnswer(BaseModel):
    """A quote as stored after a change, with its lines (money as decimal strings)."""

    model_config = ConfigDict(extra="allow")

    id: str
    opportunity_id: str | None
    account_id: str | None
    owner_id: str | None
    status: str
    currency: str
    list_total: str
    net_total: str
    max_discount_pct: str
    lines: list[QuoteLineAnswer] | None = Field(
        default=None, description="Its lines, when they were loaded with it."
    )
