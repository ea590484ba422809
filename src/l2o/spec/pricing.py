"""Pricing governance: who may approve which discount, price floors, and non-standard terms.

The discount authority matrix is an ordered list of bands. A deal falls in the first band
whose discount, deal-size and term ranges all contain it; that band's ``approvers`` approve it
in order (a chain), and an empty chain means the rep may give the discount alone::

    discount_matrix:
      - {id: rep, discount_percent: {up_to: 10}, approvers: []}
      - {id: manager, discount_percent: {above: 10, up_to: 20}, approvers: [sales_manager]}
      - {id: vp, discount_percent: {above: 20, up_to: 30}, approvers: [sales_manager, vp_sales]}
"""

from __future__ import annotations

from pydantic import Field

from l2o.spec._base import Identifier, Money, MoneyRange, NumberRange, Percent, SpecModel

__all__ = ["DiscountBand", "NonStandardTerm", "PriceFloor", "PricingSpec"]


class DiscountBand(SpecModel):
    """One row of the discount authority matrix: which deals it covers and who approves."""

    id: Identifier
    discount_percent: NumberRange
    deal_size: MoneyRange | None = Field(
        default=None, description="Deal amount band; any if unset."
    )
    term_months: NumberRange | None = Field(default=None, description="Contract term band.")
    approvers: list[Identifier] = Field(
        default_factory=list, description="Role ids that approve, in order; empty = no approval."
    )


class PriceFloor(SpecModel):
    """The lowest a product may be sold for, as a net price or a maximum discount."""

    product: Identifier
    min_net_price: Money | None = None
    max_discount_percent: Percent | None = None


class NonStandardTerm(SpecModel):
    """A contract term outside the standard paper that needs approval (e.g. net-90 payment)."""

    id: Identifier
    label: str
    approvers: list[Identifier] = Field(min_length=1)


class PricingSpec(SpecModel):
    """The pricing-governance dimension."""

    max_discount_percent: Percent | None = Field(
        default=None, description="No deal may be discounted beyond this, with any approval."
    )
    discount_matrix: list[DiscountBand] = Field(default_factory=list)
    floors: list[PriceFloor] = Field(default_factory=list)
    approval_expiry_days: int | None = Field(
        default=None, ge=1, description="An approval lapses after this many days."
    )
    non_standard_terms: list[NonStandardTerm] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when no discount authority, floor or term approval is defined."""
        return not (self.discount_matrix or self.floors or self.non_standard_terms)
