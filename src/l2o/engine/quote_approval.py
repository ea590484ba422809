"""Deciding approvals and orders: who may approve a step, and whether a quote may become an order.

Both are pure decisions over the quote, its approvals and the spec's chain
(:class:`~l2o.engine.discount_policy.DiscountPolicy`):

- :func:`can_approve` - the approver holds the step's role, is not the person who asked,
  the request is still pending and unexpired, and every earlier step is already approved;
- :func:`can_order` - the customer accepted the quote, no hard limit is broken and every
  required approval is in place and still valid.

    >>> decision = can_order(quote, approvals, now, policy=DiscountPolicy(spec))  # doctest: +SKIP
    >>> decision.allowed, [str(r) for r in decision.reasons]                      # doctest: +SKIP
    (False, ['needs vp_sales approval (vp_annual, up to 25%)'])
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from l2o.domain import Approval, ApprovalStatus, Quote, QuoteStatus, as_utc
from l2o.engine.discount_policy import ApprovalChain, DiscountPolicy
from l2o.engine.explain import Reason

__all__ = ["ApprovalCheck", "OrderDecision", "can_approve", "can_order"]


@dataclass(frozen=True, slots=True)
class ApprovalCheck:
    """Whether a person may decide an approval request, and why (not)."""

    allowed: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class OrderDecision:
    """Whether a quote may become an order, with the chain it was checked against."""

    allowed: bool
    reasons: tuple[Reason, ...]
    chain: ApprovalChain


def can_approve(
    approval: Approval,
    *,
    approver_id: str,
    approver_roles: Collection[str],
    chain: ApprovalChain,
    now: datetime,
    requested_by: str | None = None,
) -> ApprovalCheck:
    """Whether ``approver_id`` (holding ``approver_roles``) may decide ``approval`` at ``now``.

    ``chain`` is the quote's current chain; ``requested_by`` the rep behind the quote (also
    taken from the approval itself). Nobody approves their own quote.
    """
    refusals: list[Reason] = []
    if approver_id in {requested_by, approval.requested_by} - {None}:
        refusals.append(
            Reason(
                "approval.self",
                f"{approver_id} asked for this approval: nobody approves their own quote",
            )
        )
    if approval.approver_role not in approver_roles:
        refusals.append(
            Reason(
                "approval.role", f"{approver_id} does not hold the {approval.approver_role} role"
            )
        )
    if approval.status != ApprovalStatus.PENDING:
        refusals.append(Reason("approval.decided", f"the request is already {approval.status}"))
    elif approval.expires_at is not None and as_utc(now) >= as_utc(approval.expires_at):
        refusals.append(
            Reason(
                "approval.expired", f"the request expired at {approval.expires_at:%Y-%m-%d %H:%M}"
            )
        )
    step = next((s for s in chain.outstanding if s.role == approval.approver_role), None)
    if step is None:
        refusals.append(
            Reason(
                "approval.not_needed", f"the chain has no outstanding {approval.approver_role} step"
            )
        )
    else:
        earlier = [s.role for s in chain.outstanding if s.position < step.position]
        if earlier:
            refusals.append(
                Reason(
                    "approval.order",
                    f"waiting for {', '.join(earlier)} first (approvals go in chain order)",
                )
            )
    if refusals:
        return ApprovalCheck(False, tuple(refusals))
    return ApprovalCheck(
        True,
        (Reason("approval.ok", f"{approver_id} may decide the {approval.approver_role} step"),),
    )


def can_order(
    quote: Quote,
    approvals: Iterable[Approval],
    now: datetime,
    *,
    policy: DiscountPolicy,
    requested_by: str | None = None,
    non_standard_terms: Iterable[str] = (),
) -> OrderDecision:
    """Whether ``quote`` may become an order at ``now``: accepted, within limits, approved."""
    chain = policy.chain(
        quote,
        approvals=approvals,
        now=now,
        requested_by=requested_by,
        non_standard_terms=non_standard_terms,
    )
    refusals: list[Reason] = []
    if quote.status != QuoteStatus.ACCEPTED:
        refusals.append(
            Reason(
                "order.status", f"quote is {quote.status}: only an accepted quote becomes an order"
            )
        )
    if not quote.lines:
        refusals.append(Reason("order.empty", "quote has no lines"))
    refusals.extend(chain.violations)
    refusals.extend(
        Reason("order.approval", f"missing {step.role} approval ({step.source})")
        for step in chain.outstanding
    )
    if refusals:
        return OrderDecision(False, tuple(refusals), chain)
    done = ", ".join(step.role for step, _ in chain.satisfied) or "none needed"
    return OrderDecision(
        True, (Reason("order.ok", f"accepted and approved (approvals: {done})"),), chain
    )
