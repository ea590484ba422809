"""What a stage gate and a deal's rules need from the store: related records and derived fields.

Gates count related records (``related: contact_roles, min_count: 3``) and rules may name
an opportunity's derived fields; both come from the store, never from the caller, so no
path can claim a quote it does not have. With ``as_of`` (replaying history) only records
that existed by then count.

=========================  ===============================================================
related kind               counted as
=========================  ===============================================================
``primary_contact``        the deal has ``primary_contact_id``
``contact_roles``          contacts on the deal's account
``economic_buyer_contact`` those whose persona is ``economic_buyer`` or a spec persona
                           with that role
``quote``                  the deal's quotes that are not rejected or expired
``line_items``             lines on the deal's latest such quote
``approved_quote``         quotes approved, presented or accepted
``signed_order_form``      orders booked for the deal
``mutual_action_plan``     not held in the store yet: 0 (an override is needed)
=========================  ===============================================================

:func:`deal_win_probability` reads what the learned deal-win model needs as of the deal's
creation (its account, its owner's role, its amount on the first stage change) and asks the
engine's deal-win scoring - ``None`` while the AI-readiness gate keeps the rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from l2o.domain import Opportunity, Quote, QuoteStatus, as_utc
from l2o.engine import EngineRules, LearnedProbability
from l2o.spec import ArchitectureSpec
from l2o.store import SqlAlchemyUnitOfWork

__all__ = ["deal_derived_fields", "deal_win_probability", "gate_facts", "primary_quote"]

_DEAD_QUOTES = frozenset({QuoteStatus.REJECTED, QuoteStatus.EXPIRED})
_APPROVED_QUOTES = frozenset({QuoteStatus.APPROVED, QuoteStatus.PRESENTED, QuoteStatus.ACCEPTED})


def _live_quotes(
    uow: SqlAlchemyUnitOfWork, opportunity: Opportunity, as_of: datetime | None
) -> list[Quote]:
    quotes = uow.quotes.list(opportunity_id=opportunity.id)
    return [
        q
        for q in quotes
        if q.status not in _DEAD_QUOTES and (as_of is None or as_utc(q.created_at) <= as_of)
    ]


def primary_quote(
    uow: SqlAlchemyUnitOfWork, opportunity: Opportunity, as_of: datetime | None = None
) -> Quote | None:
    """The deal's latest quote that is not rejected or expired."""
    quotes = _live_quotes(uow, opportunity, as_of)
    return quotes[-1] if quotes else None


def gate_facts(
    uow: SqlAlchemyUnitOfWork,
    opportunity: Opportunity,
    spec: ArchitectureSpec,
    *,
    as_of: datetime | None = None,
) -> dict[str, int]:
    """The related-record counts stage gates read, from the store (as of ``as_of``)."""
    contacts = []
    if opportunity.account_id:
        contacts = [
            c
            for c in uow.contacts.list(account_id=opportunity.account_id, merged_into_id=None)
            if as_of is None or as_utc(c.created_at) <= as_of
        ]
    buyers = {"economic_buyer"} | {
        p.id for p in (spec.icp.personas if spec.icp else []) if p.role == "economic_buyer"
    }
    quotes = _live_quotes(uow, opportunity, as_of)
    orders = [
        o
        for o in uow.orders.list(opportunity_id=opportunity.id)
        if as_of is None or as_utc(o.ordered_at) <= as_of
    ]
    return {
        "primary_contact": 1 if opportunity.primary_contact_id else 0,
        "contact_roles": len(contacts),
        "economic_buyer_contact": sum(1 for c in contacts if c.persona in buyers),
        "quote": len(quotes),
        "line_items": len(quotes[-1].lines) if quotes else 0,
        "approved_quote": sum(1 for q in quotes if q.status in _APPROVED_QUOTES),
        "signed_order_form": len(orders),
        "mutual_action_plan": 0,
    }


def deal_derived_fields(
    uow: SqlAlchemyUnitOfWork, opportunity: Opportunity, now: datetime
) -> dict[str, Any]:
    """The opportunity's derived fields (``days_in_stage`` and its primary quote's terms)."""
    entered = opportunity.stage_entered_at or opportunity.created_at
    quote = primary_quote(uow, opportunity)
    return {
        "days_in_stage": (as_utc(now) - as_utc(entered)).total_seconds() / 86_400,
        "discount_percent": quote.max_discount_pct if quote else None,
        "term_months": max((line.term_months for line in quote.lines), default=None)
        if quote
        else None,
        "quote_id": quote.id if quote else None,
    }


def deal_win_probability(
    uow: SqlAlchemyUnitOfWork, rules: EngineRules, opportunity: Opportunity
) -> LearnedProbability | None:
    """The learned deal-win probability of ``opportunity`` and its reasons, from what was
    known when it was opened; ``None`` unless the gate switched the model on."""
    scoring = rules.deal_win
    if scoring is None or not scoring.enabled:
        return None
    account = uow.accounts.find(opportunity.account_id) if opportunity.account_id else None
    owner = uow.users.find(opportunity.owner_id) if opportunity.owner_id else None
    changes = uow.stage_changes.list(opportunity_id=opportunity.id)
    first = min(changes, key=lambda c: (as_utc(c.changed_at), c.id), default=None)
    amount = float(first.amount) if first is not None and first.amount is not None else None
    role = owner.role.value if owner is not None else None
    return scoring.probability(opportunity, account, role, amount)
