"""Pricing governance: a quote's discounts through the authority matrix into an approval chain.

Each quote line falls in the first band of the spec's ``discount_matrix`` whose discount,
deal-size and term bands contain it (its own discount and term, the quote's net total as the
deal size); that band's approvers must approve it, in order. The quote's chain is the chain
of its most discounted line, followed by any other role another line or a non-standard term
needs. Some things no approval can allow - a discount above ``max_discount_percent``, a
price under a product's floor, a discount no band covers - and the chain reports them as
violations.

An approval covers a discount step when it is an approval of that role for this quote, still
valid (``approval_expiry_days`` after it was decided), not given by the person who asked for
it, and for a discount at least as deep as the lines needing it now. So after a change only
the roles whose approved discount a line now exceeds must approve again, and only for those
lines: what was approved stays approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from l2o.domain import Approval, ApprovalStatus, Quote, QuoteLine, as_utc
from l2o.engine.explain import Reason
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.pricing import DiscountBand, PriceFloor

__all__ = ["ApprovalChain", "ApprovalStep", "DiscountPolicy"]


@dataclass(frozen=True, slots=True)
class ApprovalStep:
    """One approval a quote needs: the role, its place in the chain and what it approves.

    ``discount`` is the deepest line discount (percent points) the approval must cover, for
    a discount step; ``source`` is the matrix band or non-standard term that asks for it.
    """

    position: int
    role: str
    kind: Literal["discount", "term"]
    source: str
    discount: Decimal | None
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApprovalChain:
    """The approvals a quote needs now: every ``required`` step, those still ``outstanding``.

    ``satisfied`` pairs each covered step with the approval that covers it. ``violations``
    are limits no approval can lift; while there are any the quote cannot be ordered.
    """

    quote_id: str
    required: tuple[ApprovalStep, ...]
    outstanding: tuple[ApprovalStep, ...]
    satisfied: tuple[tuple[ApprovalStep, str], ...]
    violations: tuple[Reason, ...]
    reasons: tuple[Reason, ...]

    @property
    def complete(self) -> bool:
        """Every required approval is in place and nothing breaks a hard limit."""
        return not self.outstanding and not self.violations

    @property
    def next_step(self) -> ApprovalStep | None:
        """The first outstanding step: approvals are given in chain order."""
        return self.outstanding[0] if self.outstanding else None


class DiscountPolicy:
    """The spec's pricing governance, compiled once."""

    def __init__(self, spec: ArchitectureSpec) -> None:
        pricing = spec.pricing
        self.max_discount = (
            Decimal(str(pricing.max_discount_percent))
            if pricing and pricing.max_discount_percent is not None
            else None
        )
        self.bands: tuple[DiscountBand, ...] = tuple(pricing.discount_matrix if pricing else ())
        self.floors: dict[str, PriceFloor] = {
            f.product: f for f in (pricing.floors if pricing else [])
        }
        self.terms: dict[str, tuple[str, ...]] = {
            t.id: tuple(t.approvers) for t in (pricing.non_standard_terms if pricing else [])
        }
        self.expiry_days = pricing.approval_expiry_days if pricing else None

    def band_for(
        self, discount: Decimal, deal_size: Decimal, term_months: int
    ) -> DiscountBand | None:
        """The first matrix band containing this discount, deal size and term."""
        for band in self.bands:
            if not band.discount_percent.contains(float(discount)):
                continue
            if band.deal_size is not None and not band.deal_size.as_numbers().contains(
                float(deal_size)
            ):
                continue
            if band.term_months is not None and not band.term_months.contains(term_months):
                continue
            return band
        return None

    def approval_lapse(self, approval: Approval, now: datetime) -> str | None:
        """Why ``approval`` does not count at ``now`` (``None``: it is a valid approval)."""
        if approval.status != ApprovalStatus.APPROVED:
            return f"approval by {approval.approver_role} is {approval.status}"
        if approval.decided_at is None:
            return f"approval by {approval.approver_role} has no decision time"
        if self.expiry_days is not None:
            lapses = as_utc(approval.decided_at) + timedelta(days=self.expiry_days)
            if as_utc(now) >= lapses:
                return (
                    f"approval by {approval.approver_role} lapsed on {lapses:%Y-%m-%d} "
                    f"({self.expiry_days} days)"
                )
        return None

    def chain(
        self,
        quote: Quote,
        *,
        approvals: Iterable[Approval] = (),
        now: datetime,
        requested_by: str | None = None,
        deal_size: Decimal | None = None,
        non_standard_terms: Iterable[str] = (),
        product_of: Mapping[str, str] | None = None,
    ) -> ApprovalChain:
        """The approval chain ``quote`` needs at ``now``, given the approvals it has.

        ``requested_by`` is the rep asking (their own approvals never count);
        ``deal_size`` defaults to the quote's net total; ``product_of`` maps a line's
        ``product_id`` to the spec's product id when they differ.
        """
        size = quote.net_total if deal_size is None else deal_size
        reasons: list[Reason] = []
        violations: list[Reason] = []
        needs: dict[str, tuple[DiscountBand, list[QuoteLine]]] = {}
        ranked: list[tuple[Decimal, str]] = []
        for line in quote.lines:
            label = _line_label(line, product_of)
            violations.extend(self._hard_limits(line, label, product_of))
            if not self.bands:
                continue
            band = self.band_for(line.discount_pct, size, line.term_months)
            if band is None:
                if self.max_discount is None or line.discount_pct <= self.max_discount:
                    violations.append(
                        Reason(
                            "pricing.no_band",
                            f"{label}: {line.discount_pct}% on a {size} deal over "
                            f"{line.term_months} months falls in no band of the discount matrix",
                        )
                    )
                continue
            if band.id not in needs:
                needs[band.id] = (band, [])
            needs[band.id][1].append(line)
            ranked.append((line.discount_pct, band.id))
        if not self.bands:
            reasons.append(
                Reason("pricing.matrix", "the spec has no discount matrix: no approval needed")
            )
        steps = self._steps(needs, ranked, non_standard_terms, reasons, violations)
        requester = requested_by
        valid: list[Approval] = []
        for approval in approvals:
            if approval.quote_id != quote.id:
                continue
            lapse = self.approval_lapse(approval, now)
            if (
                lapse is None
                and approval.approver_id is not None
                and approval.approver_id in (requester, approval.requested_by)
            ):
                lapse = (
                    f"approval by {approval.approver_id} does not count: "
                    "nobody approves their own quote"
                )
            if lapse is not None:
                reasons.append(Reason("pricing.approval_ignored", lapse))
                continue
            valid.append(approval)
        outstanding: list[ApprovalStep] = []
        satisfied: list[tuple[ApprovalStep, str]] = []
        for step in steps:
            cover = _covering(step, valid)
            if cover is None:
                outstanding.append(step)
                continue
            satisfied.append((step, cover.id))
            reasons.append(Reason("pricing.approved", f"{step.role} approved ({step.source})"))
        for step in outstanding:
            what = f"up to {step.discount}%" if step.discount is not None else step.source
            reasons.append(
                Reason("pricing.needs", f"needs {step.role} approval ({step.source}, {what})")
            )
        if not steps and not violations and self.bands:
            reasons.append(Reason("pricing.rep", "every line is within the rep's own authority"))
        return ApprovalChain(
            quote.id,
            tuple(steps),
            tuple(outstanding),
            tuple(satisfied),
            tuple(violations),
            tuple(reasons),
        )

    def _steps(
        self,
        needs: Mapping[str, tuple[DiscountBand, list[QuoteLine]]],
        ranked: list[tuple[Decimal, str]],
        non_standard_terms: Iterable[str],
        reasons: list[Reason],
        violations: list[Reason],
    ) -> list[ApprovalStep]:
        order: list[str] = []
        for _, band_id in sorted(ranked, key=lambda item: -item[0]):
            if band_id not in order:
                order.append(band_id)
        steps: list[ApprovalStep] = []
        seen: set[str] = set()
        for band_id in order:
            band, lines = needs[band_id]
            if not band.approvers:
                continue
            reasons.append(
                Reason(
                    f"pricing.band.{band.id}",
                    f"band {band.id}: {', '.join(f'line {ln.position + 1}' for ln in lines)} "
                    f"need {' then '.join(band.approvers)}",
                )
            )
            for role in band.approvers:
                if role in seen:
                    continue
                seen.add(role)
                role_lines = [
                    line for b_id, (b, ls) in needs.items() if role in b.approvers for line in ls
                ]
                deepest = max(line.discount_pct for line in role_lines)
                steps.append(
                    ApprovalStep(len(steps), role, "discount", band.id, deepest, _ids(role_lines))
                )
        for term in non_standard_terms:
            approvers = self.terms.get(term)
            if approvers is None:
                violations.append(
                    Reason("pricing.unknown_term", f"non-standard term {term!r} is not in the spec")
                )
                continue
            for role in approvers:
                steps.append(ApprovalStep(len(steps), role, "term", term, None, ()))
        return steps

    def _hard_limits(
        self, line: QuoteLine, label: str, product_of: Mapping[str, str] | None
    ) -> list[Reason]:
        found: list[Reason] = []
        if self.max_discount is not None and line.discount_pct > self.max_discount:
            found.append(
                Reason(
                    "pricing.max_discount",
                    f"{label}: {line.discount_pct}% is above the "
                    f"{self.max_discount.normalize():f}% maximum",
                )
            )
        product = _spec_product(line, product_of)
        floor = self.floors.get(product) if product else None
        if floor is not None:
            if floor.min_net_price is not None and line.net_price < floor.min_net_price:
                found.append(
                    Reason(
                        "pricing.floor",
                        f"{label}: net price {line.net_price} is below the "
                        f"{floor.min_net_price} floor",
                    )
                )
            if floor.max_discount_percent is not None and line.discount_pct > Decimal(
                str(floor.max_discount_percent)
            ):
                found.append(
                    Reason(
                        "pricing.floor",
                        f"{label}: {line.discount_pct}% is above the "
                        f"{floor.max_discount_percent:g}% allowed on {product}",
                    )
                )
        return found


def _covering(step: ApprovalStep, approvals: list[Approval]) -> Approval | None:
    for approval in approvals:
        if approval.approver_role != step.role:
            continue
        if step.kind == "term":
            return approval
        if (
            approval.discount_pct is not None
            and step.discount is not None
            and approval.discount_pct >= step.discount
        ):
            return approval
    return None


def _spec_product(line: QuoteLine, product_of: Mapping[str, str] | None) -> str | None:
    if line.product_id is None:
        return None
    return product_of.get(line.product_id, line.product_id) if product_of else line.product_id


def _line_label(line: QuoteLine, product_of: Mapping[str, str] | None) -> str:
    product = _spec_product(line, product_of)
    return f"line {line.position + 1}" + (f" ({product})" if product else "")


def _ids(lines: Iterable[QuoteLine]) -> tuple[str, ...]:
    return tuple(line.id for line in lines)
