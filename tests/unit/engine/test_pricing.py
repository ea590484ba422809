"""Pricing governance: the authority matrix into a chain, hard limits, no self-approval,
expiry, re-approval of changed lines only, and no order without its approvals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from engine_builders import T0
from hypothesis import given, settings
from hypothesis import strategies as st

from l2o.domain import Approval, ApprovalStatus, Quote, QuoteStatus
from l2o.engine import DiscountPolicy, can_approve, can_order, render
from l2o.spec import ArchitectureSpec


def quote(*discounts: str, term: int = 12, price: str = "1200", qty: str = "20") -> Quote:
    q = Quote(name="Q")
    for pct in discounts:
        q.add_line(
            product_id="platform",
            list_price=Decimal(price),
            quantity=Decimal(qty),
            discount_pct=Decimal(pct),
            term_months=term,
        )
    return q


def approved(
    q: Quote, role: str, pct: str, *, by: str = "boss", asked_by: str = "rep", days_ago: int = 0
) -> Approval:
    return Approval(
        quote_id=q.id,
        approver_role=role,
        approver_id=by,
        requested_by=asked_by,
        status=ApprovalStatus.APPROVED,
        discount_pct=Decimal(pct),
        decided_at=T0 - timedelta(days=days_ago),
    )


@pytest.fixture
def policy(revenue_machine: ArchitectureSpec) -> DiscountPolicy:
    return DiscountPolicy(revenue_machine)


def test_rep_authority_needs_no_approval(policy: DiscountPolicy) -> None:
    chain = policy.chain(quote("5", "10"), now=T0)
    assert chain.required == ()
    assert chain.complete
    assert "within the rep's own authority" in render(chain.reasons)


def test_bands_by_discount_deal_size_and_term(policy: DiscountPolicy) -> None:
    small = policy.chain(quote("15", qty="10"), now=T0)  # 10,200 deal
    large = policy.chain(quote("15", qty="100"), now=T0)  # 102,000 deal
    annual = policy.chain(quote("25", qty="10"), now=T0)
    multi = policy.chain(quote("25", qty="10", term=36), now=T0)
    assert [s.role for s in small.required] == ["sales_manager"]
    assert [s.role for s in large.required] == ["sales_manager", "deal_desk"]
    assert [s.role for s in annual.required] == ["sales_manager", "vp_sales", "deal_desk"]
    assert [s.role for s in multi.required] == ["sales_manager", "vp_sales"]
    assert annual.next_step is not None
    assert annual.next_step.role == "sales_manager"


def test_chain_follows_the_deepest_line_then_adds_other_roles(policy: DiscountPolicy) -> None:
    chain = policy.chain(quote("35", "15"), now=T0)
    assert [s.role for s in chain.required] == ["vp_sales", "cro", "cfo", "sales_manager"]
    assert chain.required[3].discount == Decimal(15)


def test_hard_limits_cannot_be_approved(policy: DiscountPolicy) -> None:
    over = policy.chain(quote("45"), now=T0)
    floor = policy.chain(quote("39", price="1100"), now=T0)  # net 671 < 720 floor
    assert not over.complete
    assert "above the 40% maximum" in render(over.violations)
    assert "below the 720 floor" in render(floor.violations)


def test_approvals_cover_their_discount_and_lapse(policy: DiscountPolicy) -> None:
    q = quote("15", qty="10")
    fresh = policy.chain(q, approvals=[approved(q, "sales_manager", "15")], now=T0)
    lapsed = policy.chain(q, approvals=[approved(q, "sales_manager", "15", days_ago=31)], now=T0)
    assert fresh.complete
    assert not lapsed.complete
    assert "lapsed on" in render(lapsed.reasons)


def test_only_a_change_beyond_what_was_approved_needs_reapproval(policy: DiscountPolicy) -> None:
    q = quote("15", "12", qty="10")
    approvals = [approved(q, "sales_manager", "15")]
    assert policy.chain(q, approvals=approvals, now=T0).complete
    q.set_discount(q.lines[1].id, Decimal("14"))  # still within the approved 15%
    assert policy.chain(q, approvals=approvals, now=T0).complete
    q.set_discount(q.lines[1].id, Decimal("18"))
    chain = policy.chain(q, approvals=approvals, now=T0)
    assert [(s.role, s.discount) for s in chain.outstanding] == [("sales_manager", Decimal(18))]


def test_self_approval_never_counts(policy: DiscountPolicy) -> None:
    q = quote("15", qty="10")
    mine = approved(q, "sales_manager", "15", by="rep", asked_by="rep")
    chain = policy.chain(q, approvals=[mine], now=T0, requested_by="rep")
    assert not chain.complete
    assert "nobody approves their own quote" in render(chain.reasons)
    pending = Approval(quote_id=q.id, approver_role="sales_manager", requested_by="rep")
    check = can_approve(
        pending, approver_id="rep", approver_roles={"sales_manager"}, chain=chain, now=T0
    )
    assert not check.allowed
    assert "nobody approves their own quote" in render(check.reasons)


def test_can_approve_checks_role_order_and_expiry(policy: DiscountPolicy) -> None:
    q = quote("25", qty="10")
    chain = policy.chain(q, now=T0)
    vp = Approval(quote_id=q.id, approver_role="vp_sales", requested_by="rep")
    out_of_order = can_approve(
        vp, approver_id="v", approver_roles={"vp_sales"}, chain=chain, now=T0
    )
    assert "waiting for sales_manager first" in render(out_of_order.reasons)
    manager = Approval(
        quote_id=q.id, approver_role="sales_manager", requested_by="rep", expires_at=T0
    )
    expired = can_approve(
        manager, approver_id="m", approver_roles={"sales_manager"}, chain=chain, now=T0
    )
    assert "expired" in render(expired.reasons)
    wrong = can_approve(
        manager, approver_id="m", approver_roles={"ae"}, chain=chain, now=T0 - timedelta(hours=1)
    )
    assert "does not hold the sales_manager role" in render(wrong.reasons)
    ok = can_approve(
        manager,
        approver_id="m",
        approver_roles={"sales_manager"},
        chain=chain,
        now=T0 - timedelta(hours=1),
    )
    assert ok.allowed


def test_no_order_without_acceptance_and_approvals(policy: DiscountPolicy) -> None:
    q = quote("15", qty="10")
    draft = can_order(q, [], T0, policy=policy)
    assert not draft.allowed
    assert "only an accepted quote becomes an order" in render(draft.reasons)
    assert "missing sales_manager approval (manager_small)" in render(draft.reasons)
    q.status = QuoteStatus.ACCEPTED
    assert can_order(q, [approved(q, "sales_manager", "15")], T0, policy=policy).allowed


def test_non_standard_terms_add_their_approvers(policy: DiscountPolicy) -> None:
    chain = policy.chain(quote("5"), now=T0, non_standard_terms=["extended_payment_terms"])
    assert [(s.role, s.kind) for s in chain.required] == [("deal_desk", "term"), ("cfo", "term")]
    unknown = policy.chain(quote("5"), now=T0, non_standard_terms=["net_365"])
    assert "non-standard term 'net_365' is not in the spec" in render(unknown.violations)


def test_no_matrix_means_no_approvals(founder_led: ArchitectureSpec) -> None:
    chain = DiscountPolicy(founder_led).chain(quote("30"), now=T0)
    assert chain.complete


PEOPLE = ["rep", "boss", "vp", "cfo"]
ROLES = ["sales_manager", "vp_sales", "deal_desk", "cro", "cfo"]


@settings(max_examples=120, deadline=None)
@given(
    discounts=st.lists(st.integers(0, 40), min_size=1, max_size=3),
    grants=st.lists(
        st.tuples(st.sampled_from(ROLES), st.sampled_from(PEOPLE), st.integers(0, 40)), max_size=6
    ),
)
def test_the_requester_never_approves_their_own_quote(
    discounts: list[int], grants: list[tuple[str, str, int]], revenue_machine: ArchitectureSpec
) -> None:
    policy = DiscountPolicy(revenue_machine)
    q = quote(*(str(d) for d in discounts), qty="10")
    q.status = QuoteStatus.ACCEPTED
    approvals = [approved(q, role, str(pct), by=who, asked_by="rep") for role, who, pct in grants]
    decision = can_order(q, approvals, T0, policy=policy, requested_by="rep")
    by_id = {a.id: a for a in approvals}
    for _, approval_id in decision.chain.satisfied:
        assert by_id[approval_id].approver_id != "rep"
    if decision.allowed:
        own = [a for a in approvals if a.approver_id != "rep"]
        assert policy.chain(q, approvals=own, now=T0).complete
        for step in decision.chain.required:
            assert any(a.approver_role == step.role and a.approver_id != "rep" for a in approvals)
