"""Quotes through the real store: the approval chain as Approval rows, no self-approval,
chain order, expiry, re-approval of changed lines only, accept -> order + contract."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from revenue_builders import T0, Company

from l2o import domain as d
from l2o.services.bootstrap import RevenueSystem
from l2o.services.errors import CommandRefused
from l2o.services.quotes import (
    accept_quote,
    approve_quote,
    change_quote_discount,
    draft_quote,
    expire_approvals,
    reject_quote,
    submit_quote,
)

CHAIN = ["sales_manager", "vp_sales", "deal_desk"]


def _draft(system: RevenueSystem, company: Company, *lines: d.QuoteLineRequest) -> d.Quote:
    return draft_quote(
        system,
        d.DraftQuote(
            opportunity_id=company.deal.id, lines=lines, at=T0, requested_by=company.rep.id
        ),
    )


def _platform(discount: str, quantity: int = 20, term: int = 12) -> d.QuoteLineRequest:
    return d.QuoteLineRequest(
        product="platform",
        quantity=Decimal(quantity),
        discount_pct=Decimal(discount),
        term_months=term,
    )


def _approvals(system: RevenueSystem, quote: d.Quote) -> list[tuple[str, str, Decimal | None]]:
    with system.unit_of_work() as uow:
        approvals = sorted(
            uow.approvals.list(quote_id=quote.id),
            key=lambda a: (a.requested_at, CHAIN.index(a.approver_role)),
        )
        return [(a.approver_role, a.status.value, a.discount_pct) for a in approvals]


def test_submit_approve_change_and_accept_into_an_order_and_a_contract(
    system: RevenueSystem, company: Company
) -> None:
    quote = _draft(system, company, _platform("15"))
    assert quote.owner_id == company.rep.id
    assert quote.lines[0].list_price == Decimal(1200)
    submitted = submit_quote(system, d.SubmitQuote(quote_id=quote.id, at=T0))
    assert submitted.status == d.QuoteStatus.IN_APPROVAL
    assert _approvals(system, quote) == [("sales_manager", "pending", Decimal(15))]

    with pytest.raises(CommandRefused) as refused:
        approve_quote(system, d.ApproveQuote(quote_id=quote.id, at=T0, requested_by=company.rep.id))
    assert {r.rule for r in refused.value.reasons} == {"approval.self", "approval.role"}

    later = T0 + timedelta(hours=2)
    decided = approve_quote(
        system, d.ApproveQuote(quote_id=quote.id, at=later, requested_by=company.manager.id)
    )
    assert decided.quote_status == d.QuoteStatus.APPROVED

    # A smaller discount is covered by the approval given; a deeper one is asked again.
    line = quote.lines[0].id
    change = d.ChangeQuoteDiscount(
        quote_id=quote.id, line_id=line, discount_pct=Decimal(12), at=later
    )
    assert change_quote_discount(system, change).status == d.QuoteStatus.APPROVED
    change = d.ChangeQuoteDiscount(
        quote_id=quote.id, line_id=line, discount_pct=Decimal(18), at=later
    )
    assert change_quote_discount(system, change).status == d.QuoteStatus.IN_APPROVAL
    assert _approvals(system, quote) == [
        ("sales_manager", "approved", Decimal(15)),
        ("sales_manager", "pending", Decimal(18)),
    ]
    with pytest.raises(CommandRefused, match="submit it and get its approvals first"):
        accept_quote(system, d.AcceptQuote(quote_id=quote.id, at=later))
    approve_quote(
        system, d.ApproveQuote(quote_id=quote.id, at=later, requested_by=company.manager.id)
    )

    booked = accept_quote(
        system, d.AcceptQuote(quote_id=quote.id, at=later, start_date=date(2025, 4, 1))
    )
    assert (booked.start_date, booked.end_date) == (date(2025, 4, 1), date(2026, 3, 31))
    with system.unit_of_work() as uow:
        order = uow.orders.get(booked.order_id)
        contract = uow.contracts.get(booked.contract_id or "")
        assert order.total_amount == Decimal("19680.00") == booked.total_amount
        assert (contract.arr, contract.status) == (Decimal("19680.00"), d.ContractStatus.PENDING)
        assert contract.contract_type == d.ContractType.NEW
        assert contract.auto_renew
        assert uow.quotes.get(quote.id).status == d.QuoteStatus.ACCEPTED
        events = [m.event_type for m in uow.outbox.list()]
        assert events.count("ApprovalRequested") == 2
        assert events.count("ApprovalDecided") == 2
        assert events[-1] == "OrderBooked"
        created = {e.record_type for e in uow.audit.list(action=d.AuditAction.CREATE)}
        assert {"Quote", "QuoteLine", "Approval", "Order", "Contract"} <= created


def test_the_chain_goes_in_order_and_a_rejection_closes_the_quote(
    system: RevenueSystem, company: Company
) -> None:
    quote = _draft(system, company, _platform("25"))
    submit_quote(system, d.SubmitQuote(quote_id=quote.id, at=T0))
    assert [role for role, _, _ in _approvals(system, quote)] == [
        "sales_manager",
        "vp_sales",
        "deal_desk",
    ]
    with pytest.raises(CommandRefused, match="waiting for sales_manager first"):
        approve_quote(system, d.ApproveQuote(quote_id=quote.id, at=T0, requested_by=company.vp.id))
    approve_quote(system, d.ApproveQuote(quote_id=quote.id, at=T0, requested_by=company.manager.id))
    decided = reject_quote(
        system,
        d.RejectQuote(
            quote_id=quote.id, at=T0, note="too deep for a 1-year", requested_by=company.vp.id
        ),
    )
    assert decided.quote_status == d.QuoteStatus.REJECTED
    assert _approvals(system, quote) == [
        ("sales_manager", "approved", Decimal(25)),
        ("vp_sales", "rejected", Decimal(25)),
        ("deal_desk", "expired", Decimal(25)),
    ]


def test_hard_limits_refuse_the_quote_at_submit(system: RevenueSystem, company: Company) -> None:
    over_max = _draft(system, company, _platform("45"))
    with pytest.raises(CommandRefused, match=r"45(\.0+)?% is above the 40% maximum"):
        submit_quote(system, d.SubmitQuote(quote_id=over_max.id, at=T0))
    # The floor is keyed by the spec's product id, read from the product's sku.
    support = d.QuoteLineRequest(product="premium_support", discount_pct=Decimal(25))
    under_floor = _draft(system, company, support)
    with pytest.raises(
        CommandRefused, match=r"25(\.0+)?% is above the 20% allowed on premium_support"
    ):
        submit_quote(system, d.SubmitQuote(quote_id=under_floor.id, at=T0))


def test_requests_expire_and_approvals_lapse(system: RevenueSystem, company: Company) -> None:
    quote = _draft(system, company, _platform("15"))
    submit_quote(system, d.SubmitQuote(quote_id=quote.id, at=T0))
    assert expire_approvals(system, now=T0 + timedelta(days=29)) == []
    assert len(expire_approvals(system, now=T0 + timedelta(days=30))) == 1
    submit_quote(system, d.SubmitQuote(quote_id=quote.id, at=T0 + timedelta(days=30)))
    approve_quote(
        system,
        d.ApproveQuote(
            quote_id=quote.id, at=T0 + timedelta(days=30), requested_by=company.manager.id
        ),
    )
    with pytest.raises(CommandRefused, match="missing sales_manager approval"):
        accept_quote(system, d.AcceptQuote(quote_id=quote.id, at=T0 + timedelta(days=61)))
