"""What the company sells and on what terms: products, packages, price books, contract terms."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from l2o.spec._base import CurrencyCode, Identifier, Money, SpecModel

__all__ = [
    "BillingFrequency",
    "ContractTerms",
    "Package",
    "PriceBook",
    "PriceBookEntry",
    "Product",
]

BillingFrequency = Literal["monthly", "quarterly", "annual", "one_time"]


class Product(SpecModel):
    """A product or add-on that can appear as a line item on a deal."""

    id: Identifier
    name: str
    family: str | None = None
    pricing_model: Literal["flat", "per_seat", "usage", "tiered"] = "per_seat"
    recurring: bool = True


class Package(SpecModel):
    """An edition or bundle: the products sold together under one name."""

    id: Identifier
    name: str
    products: list[Identifier] = Field(min_length=1)


class PriceBookEntry(SpecModel):
    """The list price of one product in a price book, per unit and billing period."""

    product: Identifier
    list_price: Money
    billing: BillingFrequency = "annual"
    min_quantity: int = Field(default=1, ge=1)


class PriceBook(SpecModel):
    """A list of prices in one currency (e.g. a standard book and a partner book)."""

    id: Identifier
    currency: CurrencyCode | None = Field(
        default=None, description="Defaults to the company currency."
    )
    entries: list[PriceBookEntry] = Field(min_length=1)


def _annual_only() -> list[BillingFrequency]:
    return ["annual"]


class ContractTerms(SpecModel):
    """The standard contract: term lengths, billing, payment terms, renewal."""

    term_months: list[int] = Field(default_factory=lambda: [12], min_length=1)
    default_term_months: int = 12
    billing_frequencies: list[BillingFrequency] = Field(default_factory=_annual_only)
    payment_terms_days: int = Field(default=30, ge=0)
    auto_renew: bool = True
    renewal_uplift_percent: float | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _default_term_offered(self) -> ContractTerms:
        if any(months < 1 for months in self.term_months):
            raise ValueError("term_months must be positive")
        if self.default_term_months not in self.term_months:
            raise ValueError(
                f"default_term_months ({self.default_term_months}) is not one of term_months"
            )
        return self
