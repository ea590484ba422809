"""The derived account fields, computed from an account's contracts, usage and tickets.

Lifecycle rules (health components, expansion triggers, churn signals) name derived account
fields (``l2o.spec.fields.DERIVED_FIELDS["account"]``). This computes them as of a moment,
each as the spec defines it; ``nps`` comes from surveys the records do not hold, so the
caller passes it. A field with no data is ``None``, never a guessed zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import fmean
from typing import Any

from l2o.domain import Account, Contract, ContractStatus, SupportTicket, UsageRecord, as_utc

__all__ = ["account_facts"]


def account_facts(
    account: Account,
    *,
    contracts: Iterable[Contract] = (),
    usage: Iterable[UsageRecord] = (),
    tickets: Iterable[SupportTicket] = (),
    as_of: datetime,
    nps: float | None = None,
    seat_metric: str = "active_users",
) -> dict[str, Any]:
    """The derived fields of ``account`` as of ``as_of``.

    - ``arr``: ARR summed over contracts active that day; ``customer_since``: the first
      contract's start; ``renewal_date``: the earliest end among active contracts;
    - ``seats_purchased`` and ``seats_active``: from the latest ``seat_metric`` usage record
      (its licensed seats, and active users as a percentage of them);
    - ``product_usage``: mean ``seat_metric`` quantity over the last 30 days as a percentage
      of its mean over the 90 days before;
    - ``open_support_tickets``: tickets opened by then and not closed by then.
    """
    as_of = as_utc(as_of)
    today = as_of.date()
    own = [c for c in contracts if c.account_id == account.id]
    active = [c for c in own if c.is_active_on(today)]
    started = [
        c.start_date
        for c in own
        if c.status not in (ContractStatus.PENDING, ContractStatus.CANCELLED)
    ]
    records = sorted(
        (
            u
            for u in usage
            if u.account_id == account.id and u.metric == seat_metric and u.occurred_at <= as_of
        ),
        key=lambda u: u.occurred_at,
    )
    latest = records[-1] if records else None
    seats_active = None
    if latest is not None and latest.licensed_seats:
        seats_active = float(latest.quantity) / latest.licensed_seats * 100
    recent = [float(u.quantity) for u in records if u.occurred_at > as_of - timedelta(days=30)]
    before = [
        float(u.quantity)
        for u in records
        if as_of - timedelta(days=120) < u.occurred_at <= as_of - timedelta(days=30)
    ]
    product_usage = (
        fmean(recent) / fmean(before) * 100 if recent and before and fmean(before) else None
    )
    open_tickets = sum(
        1
        for t in tickets
        if t.account_id == account.id
        and t.created_at <= as_of
        and (t.closed_at is None or t.closed_at > as_of)
    )
    return {
        "arr": sum((c.arr for c in active), Decimal("0.00")),
        "customer_since": min(started) if started else None,
        "renewal_date": min((c.end_date for c in active), default=None),
        "seats_purchased": latest.licensed_seats if latest is not None else None,
        "seats_active": seats_active,
        "product_usage": product_usage,
        "open_support_tickets": open_tickets,
        "nps": nps,
    }
