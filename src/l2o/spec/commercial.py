"""Commercial structure: what is sold (catalog), to which segments, by whom, against what quota.

``roles`` declares every role the spec may name (coverage, routing pools, SLAs, approvers,
workflow tasks), so a typo in a role is caught wherever it appears.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from l2o.spec._base import CountryCode, Identifier, Money, MoneyRange, NumberRange, SpecModel
from l2o.spec.catalog import ContractTerms, Package, PriceBook, Product

__all__ = ["CommercialSpec", "Quota", "QuotaMetric", "Role", "Segment", "Territory"]

QuotaMetric = Literal[
    "new_arr",
    "net_new_arr",
    "expansion_arr",
    "renewal_arr",
    "bookings",
    "pipeline_generated",
    "meetings_booked",
    "sqls",
]


class Role(SpecModel):
    """A role in the revenue team, e.g. ``sdr``, ``ae``, ``am``, ``csm``, ``vp_sales``."""

    id: Identifier
    label: str | None = None


class Segment(SpecModel):
    """A market segment and its coverage model: the roles that work its accounts."""

    id: Identifier
    label: str | None = None
    employees: NumberRange | None = None
    annual_revenue: MoneyRange | None = None
    coverage: list[Identifier] = Field(
        default_factory=list, description="Role ids covering the segment, e.g. [sdr, ae, csm]."
    )


class Territory(SpecModel):
    """A territory: the countries and segments it covers and the role that owns it."""

    id: Identifier
    label: str | None = None
    countries: list[CountryCode] = Field(min_length=1)
    segments: list[Identifier] = Field(default_factory=list, description="Empty means all.")
    owner_role: Identifier | None = None


class Quota(SpecModel):
    """A target per person in a role per period (money or a count), optionally per territory."""

    role: Identifier
    metric: QuotaMetric = "new_arr"
    period: Literal["month", "quarter", "year"] = "year"
    target: Money
    territory: Identifier | None = None


class CommercialSpec(SpecModel):
    """The commercial-structure dimension."""

    roles: list[Role] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    packages: list[Package] = Field(default_factory=list)
    price_books: list[PriceBook] = Field(default_factory=list)
    contract_terms: ContractTerms | None = None
    segments: list[Segment] = Field(default_factory=list)
    territories: list[Territory] = Field(default_factory=list)
    quotas: list[Quota] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when nothing commercial is defined beyond, perhaps, the roles."""
        return not (
            self.products
            or self.packages
            or self.price_books
            or self.contract_terms
            or self.segments
            or self.territories
            or self.quotas
        )
