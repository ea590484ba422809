"""What is sold (products) and at what list price (price-book entries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from l2o.domain.base import Record, new_id, utc_now

__all__ = ["PriceBookEntry", "Product"]


@dataclass(kw_only=True, eq=False)
class Product(Record):
    """A sellable item; ``recurring`` products make ARR, one-time ones (services) do not.

    ``sku`` is the product's id in the architecture spec (``commercial.products[].id``), which
    is how price floors and the discount matrix find a quote line's product.
    """

    id: str = field(default_factory=new_id)
    sku: str
    name: str
    family: str | None = None
    recurring: bool = True
    active: bool = True
    created_at: datetime = field(default_factory=utc_now)
    source_system: str | None = None
    source_id: str | None = None


@dataclass(kw_only=True, eq=False)
class PriceBookEntry(Record):
    """The list price of a product in a price book and currency (one entry per triple).

    ``unit`` says what one unit is (``seat``, ``1k API calls``); the price is per unit for
    ``term_months`` (12 for an annual subscription price).
    """

    id: str = field(default_factory=new_id)
    product_id: str
    price_book: str = "standard"
    currency: str = "USD"
    list_price: Decimal
    unit: str | None = None
    term_months: int = 12
    active: bool = True
    source_system: str | None = None
    source_id: str | None = None
