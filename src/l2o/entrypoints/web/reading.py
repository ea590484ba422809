"""What the pages read from the store, each through one unit of work and the person's scope.

Nothing here writes: the pages that act call the services (``deals``, ``quotes``), which
apply the architecture's rules in their own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.entrypoints.web.context import OwnerScope
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "PendingApproval",
    "open_deals",
    "pending_approvals",
    "recent_assignments",
    "recent_audit",
    "scoped_leads",
    "user_names",
]

#: The most rows one page lists (newest first): a page is for reading, not for export.
PAGE_ROWS = 200


def _in_scope(column: sa.ColumnElement[str | None], owners: OwnerScope) -> sa.ColumnElement[bool]:
    return sa.true() if owners is None else column.in_(sorted(owners))


def user_names(engine: Engine) -> dict[str, str]:
    """Every user's name by id (for the owner columns)."""
    with SqlAlchemyUnitOfWork(engine) as uow:
        return {u.id: u.name for u in uow.users.list()}


def open_deals(
    engine: Engine, owners: OwnerScope, *, limit: int = PAGE_ROWS
) -> list[d.Opportunity]:
    """The open deals in scope, largest first."""
    deal = d.Opportunity
    columns = sa.inspect(deal).columns
    with SqlAlchemyUnitOfWork(engine) as uow:
        query = (
            sa.select(deal)
            .where(columns["is_closed"].is_(False), _in_scope(columns["owner_id"], owners))
            .order_by(columns["amount"].desc().nulls_last(), columns["id"])
            .limit(limit)
        )
        deals = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return deals


def find_deal(engine: Engine, deal_id: str) -> d.Opportunity | None:
    """One deal by id, whoever owns it (the page checks the scope)."""
    with SqlAlchemyUnitOfWork(engine) as uow:
        deal = uow.opportunities.find(deal_id)
        if deal is not None:
            _ = deal.stage_history
            uow.session.expunge_all()
        return deal


@dataclass(frozen=True)
class PendingApproval:
    """A pending approval request with the quote and deal it is for."""

    approval: d.Approval
    quote: d.Quote
    deal: d.Opportunity | None


def pending_approvals(engine: Engine, owners: OwnerScope) -> list[PendingApproval]:
    """Pending approval requests on quotes whose owner is in scope, oldest first."""
    with SqlAlchemyUnitOfWork(engine) as uow:
        rows: list[PendingApproval] = []
        for approval in uow.approvals.list(status=d.ApprovalStatus.PENDING, limit=PAGE_ROWS):
            quote = uow.quotes.find(approval.quote_id)
            if quote is None or (owners is not None and quote.owner_id not in owners):
                continue
            _ = quote.lines
            deal = uow.opportunities.find(quote.opportunity_id) if quote.opportunity_id else None
            rows.append(PendingApproval(approval, quote, deal))
        uow.session.expunge_all()
        return rows


def scoped_leads(engine: Engine, owners: OwnerScope, *, limit: int = PAGE_ROWS) -> list[d.Lead]:
    """The newest leads in scope (unowned leads only for people who see everyone's)."""
    lead = d.Lead
    columns = sa.inspect(lead).columns
    with SqlAlchemyUnitOfWork(engine) as uow:
        query = (
            sa.select(lead)
            .where(_in_scope(columns["owner_id"], owners), columns["merged_into_id"].is_(None))
            .order_by(columns["created_at"].desc(), columns["id"])
            .limit(limit)
        )
        leads = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return leads


@dataclass(frozen=True)
class RoutedLead:
    """One routing with the lead it routed."""

    assignment: d.Assignment
    lead: d.Lead | None


def recent_assignments(
    engine: Engine, owners: OwnerScope, *, limit: int = PAGE_ROWS
) -> list[RoutedLead]:
    """The newest routings whose owner is in scope, with their reasons and alternatives."""
    assignment = d.Assignment
    columns = sa.inspect(assignment).columns
    with SqlAlchemyUnitOfWork(engine) as uow:
        query = (
            sa.select(assignment)
            .where(_in_scope(columns["owner_id"], owners))
            .order_by(columns["assigned_at"].desc(), columns["id"])
            .limit(limit)
        )
        found = list(uow.session.scalars(query))
        leads = {lead.id: lead for lead in uow.leads.where_in("id", [a.lead_id for a in found])}
        uow.session.expunge_all()
        return [RoutedLead(a, leads.get(a.lead_id)) for a in found]


def recent_audit(
    engine: Engine, *, record_id: str | None = None, limit: int = PAGE_ROWS
) -> list[d.AuditEntry]:
    """The newest audit rows (of one record when ``record_id`` is given)."""
    entry = d.AuditEntry
    columns = sa.inspect(entry).columns
    with SqlAlchemyUnitOfWork(engine) as uow:
        query = sa.select(entry).order_by(columns["changed_at"].desc(), columns["id"].desc())
        if record_id:
            query = query.where(columns["record_id"] == record_id)
        rows = list(uow.session.scalars(query.limit(limit)))
        uow.session.expunge_all()
        return rows


def stage_entered(deal: d.Opportunity, now: datetime) -> float | None:
    """Days the deal has been in its stage, or ``None`` when the store does not know."""
    if deal.stage_entered_at is None:
        return None
    return (now - d.as_utc(deal.stage_entered_at)).total_seconds() / 86_400
