"""Commands: requests, named in the imperative, that a service handles in one transaction.

Small frozen dataclasses, so the API, the CLI, importers and the worker all ask for a change
in the same words. The engine work adds more; these are the ones the store's events answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "AcceptQuote",
    "AddLead",
    "ApproveQuote",
    "ChangeOpportunityStage",
    "ChangeQuoteDiscount",
    "Command",
    "ConvertLead",
    "DraftQuote",
    "LogTouchpoint",
    "QuoteLineRequest",
    "RejectQuote",
    "RouteLead",
    "SubmitQuote",
]


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of commands; ``requested_by`` is the user id the change is audited under."""

    requested_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeOpportunityStage(Command):
    """Move an opportunity to a stage; an override (``override_role`` and ``override_reason``)
    if its gate is not met. ``loss_reason`` is recorded on a move to a lost stage."""

    opportunity_id: str
    to_stage: str
    at: datetime
    override_reason: str | None = None
    override_role: str | None = None
    loss_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ConvertLead(Command):
    """Convert a lead into a contact on an account, optionally opening an opportunity."""

    lead_id: str
    at: datetime
    account_id: str | None = None
    create_opportunity: bool = True


@dataclass(frozen=True, kw_only=True)
class AddLead(Command):
    """Add a lead at ``at``: it is scored, staged and (with ``route``) routed at once."""

    at: datetime
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    title: str | None = None
    country: str | None = None
    lead_source: str | None = None
    channel: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    route: bool = True


@dataclass(frozen=True, kw_only=True)
class LogTouchpoint(Command):
    """Log what a lead did (``touch_type``, e.g. ``demo_request``) or a rep's touch
    (``user_id``)."""

    lead_id: str
    touch_type: str
    at: datetime
    channel: str | None = None
    campaign_id: str | None = None
    user_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RouteLead(Command):
    """Route (or re-route) a lead; ``exclude`` names reps who must not get it."""

    lead_id: str
    at: datetime
    exclude: tuple[str, ...] = ()
    trigger: str = "manual"


@dataclass(frozen=True, kw_only=True)
class QuoteLineRequest:
    """One line of a new quote: the spec's product id (a product's ``sku``) and its terms."""

    product: str
    quantity: Decimal = Decimal(1)
    discount_pct: Decimal = Decimal(0)
    term_months: int = 12


@dataclass(frozen=True, kw_only=True)
class DraftQuote(Command):
    """Price a draft quote on an opportunity from a price book."""

    opportunity_id: str
    lines: tuple[QuoteLineRequest, ...]
    at: datetime
    name: str | None = None
    price_book: str = "standard"
    valid_until: date | None = None
    non_standard_terms: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ChangeQuoteDiscount(Command):
    """Change one line's discount; a quote in approval is submitted again."""

    quote_id: str
    line_id: str
    discount_pct: Decimal
    at: datetime


@dataclass(frozen=True, kw_only=True)
class SubmitQuote(Command):
    """Submit a quote for approval: the chain becomes pending ``Approval`` requests."""

    quote_id: str
    at: datetime
    non_standard_terms: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class ApproveQuote(Command):
    """Approve the quote's next step as ``requested_by`` (or a given request)."""

    quote_id: str
    at: datetime
    note: str | None = None
    approval_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RejectQuote(Command):
    """Reject the quote's next step as ``requested_by``, saying why."""

    quote_id: str
    at: datetime
    note: str
    approval_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class AcceptQuote(Command):
    """Record the customer's acceptance: the quote becomes an order and a contract."""

    quote_id: str
    at: datetime
    start_date: date | None = None
