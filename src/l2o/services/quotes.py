"""Quotes: draft, submit into the approval chain, approve or reject, accept into an order.

::

    quote = draft_quote(system, DraftQuote(opportunity_id=deal_id, lines=(...), at=now))
    submit_quote(system, SubmitQuote(quote_id=quote.id, at=now, requested_by=rep_id))
    approve_quote(system, ApproveQuote(quote_id=quote.id, at=now, requested_by=manager_id))
    accept_quote(system, AcceptQuote(quote_id=quote.id, at=now))   # -> order + contract

- **Submit** works out the chain (:meth:`DiscountPolicy.chain`, with each line's product
  read as the spec's product id: ``Product.sku``) and turns every outstanding step into a
  pending ``Approval`` for its role, with ``discount_pct`` (the deepest discount it covers)
  and an expiry. A quote breaking a hard limit (maximum discount, a price floor, a discount
  no band covers) is refused. What was approved stays approved: after a change only the
  roles whose approved discount a line now exceeds are asked again.
- **Approve / reject**: the person must hold the step's role, must not be the quote's
  owner, and approvals go in chain order (:func:`can_approve`). A rejection says why and
  closes the other pending requests.
- **Accept**: only an accepted quote with every approval in place and valid
  (:func:`can_order`) becomes an ``Order`` and a ``Contract`` whose term runs from the start
  date for the longest line term; its ARR is the recurring lines' net amount per year.

Pending requests past their ``expires_at`` expire with :func:`expire_approvals` (a timer).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from l2o.domain import (
    AcceptQuote,
    Approval,
    ApprovalDecided,
    ApprovalRequested,
    ApprovalStatus,
    ApproveQuote,
    ChangeQuoteDiscount,
    Contract,
    ContractStatus,
    ContractType,
    DraftQuote,
    OpportunityType,
    Order,
    OrderBooked,
    Quote,
    QuoteLine,
    QuoteStatus,
    RejectQuote,
    SubmitQuote,
)
from l2o.engine import ApprovalChain, can_approve, can_order
from l2o.services.bootstrap import RevenueSystem
from l2o.services.errors import CommandRefused
from l2o.services.users import find_user
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "ApprovalDecision",
    "BookedOrder",
    "QuoteSubmission",
    "accept_quote",
    "approve_quote",
    "change_quote_discount",
    "draft_quote",
    "expire_approvals",
    "quote_chain",
    "reject_quote",
    "submit_quote",
]

_OPEN_FOR_CHANGES = frozenset(
    {QuoteStatus.DRAFT, QuoteStatus.IN_APPROVAL, QuoteStatus.APPROVED, QuoteStatus.REJECTED}
)
_CONTRACT_TYPES = {
    OpportunityType.NEW_BUSINESS: ContractType.NEW,
    OpportunityType.EXPANSION: ContractType.EXPANSION,
    OpportunityType.RENEWAL: ContractType.RENEWAL,
}


@dataclass(frozen=True, slots=True)
class QuoteSubmission:
    """A submitted quote: its status, the chain, and the approval requests opened."""

    quote_id: str
    status: QuoteStatus
    chain: ApprovalChain
    requested: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The submission as JSON data."""
        return {
            "quote_id": self.quote_id,
            "status": self.status.value,
            "required": [s.role for s in self.chain.required],
            "outstanding": [s.role for s in self.chain.outstanding],
            "requested": list(self.requested),
            "reasons": [r.text for r in self.chain.reasons],
        }


@dataclass(frozen=True, slots=True)
class ApprovalDecision:
    """An approval request decided, and where the quote stands after it."""

    approval_id: str
    quote_id: str
    role: str
    status: ApprovalStatus
    quote_status: QuoteStatus
    outstanding: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The decision as JSON data."""
        return {
            "approval_id": self.approval_id,
            "quote_id": self.quote_id,
            "role": self.role,
            "status": self.status.value,
            "quote_status": self.quote_status.value,
            "outstanding": list(self.outstanding),
        }


@dataclass(frozen=True, slots=True)
class BookedOrder:
    """An accepted quote's order and contract."""

    quote_id: str
    order_id: str
    contract_id: str | None
    total_amount: Decimal
    start_date: date | None
    end_date: date | None

    def to_json(self) -> dict[str, object]:
        """The booking as JSON data."""
        return {
            "quote_id": self.quote_id,
            "order_id": self.order_id,
            "contract_id": self.contract_id,
            "total_amount": str(self.total_amount),
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
        }


def draft_quote(system: RevenueSystem, command: DraftQuote) -> Quote:
    """A draft quote on the deal, each line priced from ``command.price_book``."""
    at = system.now(command.at)
    with system.unit_of_work(command.requested_by) as uow:
        deal = uow.opportunities.get(command.opportunity_id)
        quote = Quote(
            opportunity_id=deal.id,
            account_id=deal.account_id,
            owner_id=command.requested_by or deal.owner_id,
            name=command.name,
            currency=deal.currency,
            created_at=at,
            valid_until=command.valid_until,
            non_standard_terms=list(command.non_standard_terms),
        )
        for request in command.lines:
            products = uow.products.list(sku=request.product)
            if not products:
                raise CommandRefused(
                    "Quote", quote.id, "quote.product", [f"no product with sku {request.product!r}"]
                )
            prices = uow.price_book.list(
                product_id=products[0].id, price_book=command.price_book, currency=deal.currency
            )
            if not prices:
                raise CommandRefused(
                    "Quote",
                    quote.id,
                    "quote.price",
                    [f"{request.product} has no {deal.currency} price in {command.price_book}"],
                )
            quote.add_line(
                list_price=prices[0].list_price,
                quantity=request.quantity,
                discount_pct=request.discount_pct,
                term_months=request.term_months,
                product_id=products[0].id,
                description=products[0].name,
            )
        uow.quotes.add(quote)
        uow.commit()
    return quote


def quote_chain(
    uow: SqlAlchemyUnitOfWork, system: RevenueSystem, quote: Quote, now: datetime
) -> ApprovalChain:
    """The quote's approval chain now, given its approvals (lines read by their sku)."""
    return system.rules.pricing.chain(
        quote,
        approvals=uow.approvals.list(quote_id=quote.id),
        now=now,
        requested_by=_owner(uow, quote),
        non_standard_terms=quote.non_standard_terms,
        product_of=_product_of(uow, quote),
    )


def submit_quote(system: RevenueSystem, command: SubmitQuote) -> QuoteSubmission:
    """Put the quote into its approval chain (pending requests for every outstanding step)."""
    with system.unit_of_work(command.requested_by) as uow:
        quote = uow.quotes.get(command.quote_id)
        if command.non_standard_terms is not None:
            quote.non_standard_terms = list(command.non_standard_terms)
        submission = _submit(uow, system, quote, system.now(command.at), command.requested_by)
        uow.commit()
    return submission


def change_quote_discount(system: RevenueSystem, command: ChangeQuoteDiscount) -> Quote:
    """Change a line's discount; a quote in approval (or approved) is submitted again."""
    at = system.now(command.at)
    with system.unit_of_work(command.requested_by) as uow:
        quote = uow.quotes.get(command.quote_id)
        if quote.status not in _OPEN_FOR_CHANGES:
            raise CommandRefused(
                "Quote", quote.id, "quote.status", [f"a {quote.status} quote cannot change"]
            )
        try:
            quote.set_discount(command.line_id, command.discount_pct)
        except ValueError as exc:
            raise CommandRefused("Quote", quote.id, "quote.line", [str(exc)]) from None
        if quote.status in (QuoteStatus.IN_APPROVAL, QuoteStatus.APPROVED):
            _submit(uow, system, quote, at, command.requested_by)
        uow.commit()
    return quote


def approve_quote(system: RevenueSystem, command: ApproveQuote) -> ApprovalDecision:
    """Approve the quote's next step as ``command.requested_by``."""
    return _decide(system, command.quote_id, command.approval_id, command, approve=True)


def reject_quote(system: RevenueSystem, command: RejectQuote) -> ApprovalDecision:
    """Reject the quote's next step as ``command.requested_by``; the quote is rejected."""
    if not command.note or not command.note.strip():
        raise CommandRefused("Quote", command.quote_id, "approval.note", ["a rejection says why"])
    return _decide(system, command.quote_id, command.approval_id, command, approve=False)


def accept_quote(system: RevenueSystem, command: AcceptQuote) -> BookedOrder:
    """Record the customer's acceptance and book the order and the contract."""
    at = system.now(command.at)
    with system.unit_of_work(command.requested_by) as uow:
        quote = uow.quotes.get(command.quote_id)
        if quote.status not in (QuoteStatus.APPROVED, QuoteStatus.PRESENTED):
            raise CommandRefused(
                "Quote",
                quote.id,
                "order.status",
                [f"quote is {quote.status}: submit it and get its approvals first"],
            )
        quote.status = QuoteStatus.ACCEPTED
        approvals = uow.approvals.list(quote_id=quote.id)
        decision = can_order(
            quote,
            approvals,
            at,
            policy=system.rules.pricing,
            requested_by=_owner(uow, quote),
            non_standard_terms=quote.non_standard_terms,
        )
        chain = quote_chain(uow, system, quote, at)
        refusals = [*decision.reasons] if not decision.allowed else []
        refusals += [v for v in chain.violations if v not in refusals]
        if refusals:
            raise CommandRefused("Quote", quote.id, refusals[0].rule, refusals)
        booked = _book(uow, system, quote, at, command.start_date)
        uow.commit()
    return booked


def expire_approvals(
    system: RevenueSystem, *, now: datetime | None = None, actor: str | None = None
) -> list[str]:
    """Expire pending approval requests past ``expires_at``; their ids."""
    at = system.now(now)
    expired: list[str] = []
    with system.unit_of_work(actor) as uow:
        for approval in uow.approvals.list(status=ApprovalStatus.PENDING):
            if approval.expire_if_due(at):
                expired.append(approval.id)
                uow.publish(_decided_event(approval))
        uow.commit()
    return expired


def _submit(
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    quote: Quote,
    at: datetime,
    by: str | None,
) -> QuoteSubmission:
    if quote.status not in _OPEN_FOR_CHANGES:
        raise CommandRefused(
            "Quote", quote.id, "quote.status", [f"a {quote.status} quote cannot be submitted"]
        )
    if not quote.lines:
        raise CommandRefused("Quote", quote.id, "quote.empty", ["the quote has no lines"])
    if quote.owner_id is None:
        quote.owner_id = by or _deal_owner(uow, quote)
    chain = quote_chain(uow, system, quote, at)
    if chain.violations:
        raise CommandRefused("Quote", quote.id, chain.violations[0].rule, chain.violations)
    pending = [a for a in uow.approvals.list(quote_id=quote.id) if a.status == "pending"]
    requested: list[str] = []
    expiry = system.rules.pricing.expiry_days
    for step in chain.outstanding:
        discount = step.discount if step.discount is not None else quote.max_discount_pct
        open_request = next((a for a in pending if a.approver_role == step.role), None)
        if open_request is not None and (open_request.discount_pct or 0) >= discount:
            continue
        if open_request is not None:  # asked for less than the quote now needs
            open_request.status = ApprovalStatus.EXPIRED
            open_request.decided_at = at
            open_request.decision_note = f"superseded: the quote now needs up to {discount}%"
        approval = Approval(
            quote_id=quote.id,
            opportunity_id=quote.opportunity_id,
            approver_role=step.role,
            requested_by=quote.owner_id,
            discount_pct=discount,
            reason=f"{step.kind} {step.source}"
            + (f": lines {', '.join(_positions(quote, step.lines))}" if step.lines else ""),
            requested_at=at,
            expires_at=at + timedelta(days=expiry) if expiry else None,
        )
        uow.approvals.add(approval)
        uow.publish(
            ApprovalRequested(
                approval_id=approval.id,
                quote_id=quote.id,
                approver_role=step.role,
                discount_pct=discount,
                requested_by=approval.requested_by,
                requested_at=at,
                expires_at=approval.expires_at,
                reason=approval.reason,
            )
        )
        requested.append(approval.id)
    quote.status = QuoteStatus.IN_APPROVAL if chain.outstanding else QuoteStatus.APPROVED
    return QuoteSubmission(quote.id, quote.status, chain, tuple(requested))


def _decide(
    system: RevenueSystem,
    quote_id: str,
    approval_id: str | None,
    command: ApproveQuote | RejectQuote,
    *,
    approve: bool,
) -> ApprovalDecision:
    at = system.now(command.at)
    approver_ref = command.requested_by
    if approver_ref is None:
        raise CommandRefused("Quote", quote_id, "approval.who", ["say who decides (--as USER)"])
    with system.unit_of_work(approver_ref) as uow:
        quote = uow.quotes.get(quote_id)
        approver = find_user(uow, approver_ref)
        if approver is None:
            raise CommandRefused("Quote", quote.id, "approval.who", [f"no user {approver_ref!r}"])
        chain = quote_chain(uow, system, quote, at)
        approval = _request_to_decide(uow, quote, chain, approval_id, approver.spec_roles())
        check = can_approve(
            approval,
            approver_id=approver.id,
            approver_roles=approver.spec_roles(),
            chain=chain,
            now=at,
            requested_by=quote.owner_id,
        )
        if not check.allowed:
            raise CommandRefused("Approval", approval.id, check.reasons[0].rule, check.reasons)
        note = command.note
        if approve:
            approval.approve(by=approver.id, at=at, note=note)
            chain = quote_chain(uow, system, quote, at)
            if chain.complete:
                quote.status = QuoteStatus.APPROVED
        else:
            approval.reject(by=approver.id, at=at, note=note or "")
            quote.status = QuoteStatus.REJECTED
            for other in uow.approvals.list(quote_id=quote.id, status=ApprovalStatus.PENDING):
                if other.id != approval.id:
                    other.status = ApprovalStatus.EXPIRED
                    other.decided_at = at
                    other.decision_note = "closed: the quote was rejected"
        uow.publish(_decided_event(approval))
        decision = ApprovalDecision(
            approval.id,
            quote.id,
            approval.approver_role,
            approval.status,
            quote.status,
            tuple(s.role for s in chain.outstanding) if approve else (),
        )
        uow.commit()
    return decision


def _request_to_decide(
    uow: SqlAlchemyUnitOfWork,
    quote: Quote,
    chain: ApprovalChain,
    approval_id: str | None,
    roles: frozenset[str],
) -> Approval:
    if approval_id is not None:
        approval = uow.approvals.get(approval_id)
        if approval.quote_id != quote.id:
            raise CommandRefused(
                "Approval", approval.id, "approval.quote", [f"not a request on quote {quote.id}"]
            )
        return approval
    pending = uow.approvals.list(quote_id=quote.id, status=ApprovalStatus.PENDING)
    if not pending:
        raise CommandRefused(
            "Quote",
            quote.id,
            "approval.none_pending",
            [f"quote is {quote.status} with no pending approval request"],
        )
    by_role = {a.approver_role: a for a in pending}
    # The first outstanding step the person can decide; else the next step, so the refusal
    # says which role it needs.
    for step in chain.outstanding:
        if step.role in roles and step.role in by_role:
            return by_role[step.role]
    for step in chain.outstanding:
        if step.role in by_role:
            return by_role[step.role]
    return pending[0]


def _book(
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    quote: Quote,
    at: datetime,
    start: date | None,
) -> BookedOrder:
    deal = uow.opportunities.find(quote.opportunity_id) if quote.opportunity_id else None
    account_id = quote.account_id or (deal.account_id if deal else None)
    if account_id is None:
        raise CommandRefused(
            "Quote", quote.id, "order.account", ["the quote and its deal have no account"]
        )
    order = Order(
        account_id=account_id,
        opportunity_id=quote.opportunity_id,
        quote_id=quote.id,
        ordered_at=at,
        total_amount=quote.net_total,
        currency=quote.currency,
    )
    uow.orders.add(order)
    recurring = _recurring_lines(uow, quote)
    contract: Contract | None = None
    start_date = start or at.date()
    if recurring:
        term = max(line.term_months for line in recurring)
        end_date = _add_months(start_date, term) - timedelta(days=1)
        arr = sum(
            (line.net_amount * 12 / line.term_months for line in recurring), Decimal("0.00")
        ).quantize(Decimal("0.01"))
        terms = system.spec.commercial.contract_terms if system.spec.commercial else None
        contract = Contract(
            account_id=account_id,
            opportunity_id=quote.opportunity_id,
            order_id=order.id,
            contract_type=_CONTRACT_TYPES.get(deal.opportunity_type) if deal else None,
            status=ContractStatus.ACTIVE if start_date <= at.date() else ContractStatus.PENDING,
            start_date=start_date,
            end_date=end_date,
            arr=arr,
            currency=quote.currency,
            auto_renew=bool(terms.auto_renew) if terms else False,
            created_at=at,
        )
        uow.contracts.add(contract)
    uow.publish(
        OrderBooked(
            order_id=order.id,
            quote_id=quote.id,
            contract_id=contract.id if contract else None,
            account_id=account_id,
            opportunity_id=quote.opportunity_id,
            total_amount=order.total_amount,
            currency=order.currency,
            ordered_at=at,
            start_date=contract.start_date if contract else None,
            end_date=contract.end_date if contract else None,
        )
    )
    return BookedOrder(
        quote.id,
        order.id,
        contract.id if contract else None,
        order.total_amount,
        contract.start_date if contract else None,
        contract.end_date if contract else None,
    )


def _recurring_lines(uow: SqlAlchemyUnitOfWork, quote: Quote) -> list[QuoteLine]:
    lines = []
    for line in quote.lines:
        product = uow.products.find(line.product_id) if line.product_id else None
        if product is None or product.recurring:
            lines.append(line)
    return lines


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _owner(uow: SqlAlchemyUnitOfWork, quote: Quote) -> str | None:
    return quote.owner_id or _deal_owner(uow, quote)


def _deal_owner(uow: SqlAlchemyUnitOfWork, quote: Quote) -> str | None:
    deal = uow.opportunities.find(quote.opportunity_id) if quote.opportunity_id else None
    return deal.owner_id if deal else None


def _product_of(uow: SqlAlchemyUnitOfWork, quote: Quote) -> dict[str, str]:
    found = {}
    for line in quote.lines:
        if line.product_id and line.product_id not in found:
            product = uow.products.find(line.product_id)
            if product is not None:
                found[line.product_id] = product.sku
    return found


def _positions(quote: Quote, line_ids: Sequence[str]) -> list[str]:
    wanted = set(line_ids)
    return [str(line.position + 1) for line in quote.lines if line.id in wanted]


def _decided_event(approval: Approval) -> ApprovalDecided:
    return ApprovalDecided(
        approval_id=approval.id,
        quote_id=approval.quote_id,
        status=approval.status.value,
        approver_role=approval.approver_role,
        approver_id=approval.approver_id,
        decided_at=approval.decided_at or approval.requested_at,
        note=approval.decision_note,
    )
