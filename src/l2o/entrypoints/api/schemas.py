"""Request and response bodies: ``XUpdate`` for generic updates, commands by their verb.

Updates accept any field name so that a guarded one (owner, stage, an approved discount)
is refused by the rule that guards it, named in the problem, rather than dropped silently.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AccountUpdate",
    "AddLeadBody",
    "AdvanceBody",
    "ApproveBody",
    "AssessmentSummary",
    "ContactUpdate",
    "CreatedToken",
    "CreatedUser",
    "CreatedWebhook",
    "DiscountBody",
    "InboundReceipt",
    "LeadUpdate",
    "Me",
    "OpportunityUpdate",
    "QuoteUpdate",
    "RecordList",
    "RejectBody",
    "RouteBody",
    "RunAssessmentResult",
    "SubmitBody",
    "TaskUpdate",
    "TouchBody",
    "UsageBody",
    "WebhookEndpoint",
]

_TEXT = Field(default=None, max_length=1000)


class _Update(BaseModel):
    model_config = ConfigDict(extra="allow")


class AccountUpdate(_Update):
    """Fields of an account a generic update may set."""

    name: str | None = Field(default=None, min_length=1, max_length=255)
    domain: str | None = Field(default=None, max_length=255)
    industry: str | None = Field(default=None, max_length=100)
    employees: int | None = Field(default=None, ge=0, le=10_000_000)
    annual_revenue: Decimal | None = Field(default=None, ge=0, le=Decimal("1e13"))
    country: str | None = Field(default=None, max_length=2)
    region: str | None = Field(default=None, max_length=100)
    technologies: list[str] | None = None
    custom_fields: dict[str, Any] | None = None


class ContactUpdate(_Update):
    """Fields of a contact a generic update may set."""

    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    title: str | None = Field(default=None, max_length=200)
    persona: str | None = Field(default=None, max_length=100)


class LeadUpdate(_Update):
    """Fields of a lead a generic update may set."""

    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    company: str | None = Field(default=None, max_length=255)
    title: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=2)
    custom_fields: dict[str, Any] | None = None


class OpportunityUpdate(_Update):
    """Fields of an opportunity a generic update may set (never owner, stage or closing)."""

    name: str | None = Field(default=None, min_length=1, max_length=255)
    amount: Decimal | None = Field(default=None, ge=0, le=Decimal("1e13"), decimal_places=2)
    close_date: date | None = None
    next_step: str | None = Field(default=None, max_length=1000)
    primary_contact_id: str | None = Field(default=None, max_length=36)
    qualification: dict[str, Any] | None = None
    custom_fields: dict[str, Any] | None = None
    lead_source: str | None = Field(default=None, max_length=100)


class QuoteUpdate(_Update):
    """Fields of a quote a generic update may set (discounts go through their command)."""

    name: str | None = Field(default=None, max_length=255)
    valid_until: date | None = None


class TaskUpdate(_Update):
    """Fields of a task a generic update may set."""

    subject: str | None = Field(default=None, min_length=1, max_length=255)
    due_date: date | None = None
    priority: str | None = Field(default=None, max_length=20)
    description: str | None = Field(default=None, max_length=5000)
    status: str | None = Field(default=None, pattern="^(open|completed|cancelled)$")


class RecordList(BaseModel):
    """One page of records, with the total in the caller's scope."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: datetime | None = Field(default=None, description="When (default: now), with a zone.")


class AdvanceBody(_Command):
    """Move a deal to ``to_stage`` through its gate, or override it with a role and reason."""

    to_stage: str = Field(min_length=1, max_length=100)
    override_role: str | None = Field(default=None, max_length=100)
    override_reason: str | None = Field(default=None, max_length=1000)
    loss_reason: str | None = Field(default=None, max_length=1000)


class SubmitBody(_Command):
    """Submit a quote for approval."""

    non_standard_terms: list[str] | None = None


class ApproveBody(_Command):
    """Approve the quote's next step (as the token's user)."""

    note: str | None = Field(default=None, max_length=1000)
    approval_id: str | None = Field(default=None, max_length=36)


class RejectBody(_Command):
    """Reject the quote's next step, saying why."""

    note: str = Field(min_length=1, max_length=1000)
    approval_id: str | None = Field(default=None, max_length=36)


class DiscountBody(_Command):
    """Change one line's discount; roles whose approval it exceeds are asked again."""

    line_id: str = Field(min_length=1, max_length=36)
    discount_pct: Decimal = Field(ge=0, le=100, decimal_places=2)


class AddLeadBody(_Command):
    """A new lead: scored, staged and (unless ``route`` is false) routed."""

    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    company: str | None = Field(default=None, max_length=255)
    title: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, pattern="^[A-Za-z]{2}$")
    lead_source: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=100)
    route: bool = True


class TouchBody(_Command):
    """Something a lead did (``demo_request``, ``form_submit``...) or a rep did to them."""

    touch_type: str = Field(min_length=1, max_length=100)
    channel: str | None = Field(default=None, max_length=100)
    campaign_id: str | None = Field(default=None, max_length=36)
    user_id: str | None = Field(default=None, max_length=36)


class RouteBody(_Command):
    """Route (or re-route) a lead, never to the reps in ``exclude``."""

    exclude: list[str] = Field(default_factory=list, max_length=100)


class UsageBody(_Command):
    """A product usage reading for an account (seats active, events...)."""

    metric: str = Field(min_length=1, max_length=100)
    quantity: Decimal = Field(ge=0, le=Decimal("1e12"))
    occurred_at: datetime
    licensed_seats: int | None = Field(default=None, ge=0, le=10_000_000)
    contract_id: str | None = Field(default=None, max_length=36)


class Me(BaseModel):
    """Who a token belongs to."""

    user_id: str
    name: str
    access_role: str
    team: str | None


class CreatedUser(BaseModel):
    """A person given access: their id and what was asked for."""

    id: str
    name: str
    access_role: str
    email: str | None
    manager_id: str | None
    team: str | None


class CreatedToken(BaseModel):
    """A new API token, shown only in this answer."""

    user_id: str
    token: str


class WebhookEndpoint(BaseModel):
    """A registered outbound receiver (its secret is never shown again)."""

    id: str
    name: str
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime


class CreatedWebhook(BaseModel):
    """A receiver just registered, with its signing secret (shown once)."""

    id: str
    name: str
    url: str
    events: list[str]
    secret: str


class AssessmentSummary(BaseModel):
    """A saved assessment in a list."""

    id: str
    name: str | None
    created_at: datetime
    rubric_version: str | None
    index: float | None


class RunAssessmentResult(BaseModel):
    """An assessment just run: its snapshot id, its index and the package's files."""

    id: str
    name: str | None
    index: Any
    files: list[str]


class InboundReceipt(BaseModel):
    """An inbound event received: applied now, or a repeat of one already applied."""

    id: str
    type: str
    duplicate: bool
    result: dict[str, Any] | None = None
