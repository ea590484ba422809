"""Quotes and their lines: list price, discount and net price, and the totals they make."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from l2o.domain.base import Record, new_id, utc_now

__all__ = ["Quote", "QuoteLine", "QuoteStatus", "net_price_after_discount"]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


class QuoteStatus(StrEnum):
    """Where a quote is between drafting and the customer's answer."""

    DRAFT = "draft"
    IN_APPROVAL = "in_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    PRESENTED = "presented"
    ACCEPTED = "accepted"
    EXPIRED = "expired"


def net_price_after_discount(list_price: Decimal, discount_pct: Decimal) -> Decimal:
    """The unit price after a discount in percent points, rounded half-up to the cent.

    >>> net_price_after_discount(Decimal("100.00"), Decimal("12.5"))
    Decimal('87.50')
    """
    if not Decimal(0) <= discount_pct <= _HUNDRED:
        raise ValueError(f"discount {discount_pct}% is outside 0-100")
    net = list_price * (_HUNDRED - discount_pct) / _HUNDRED
    return net.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(kw_only=True, eq=False)
class QuoteLine(Record):
    """One product on a quote. Prices are per unit for the line's ``term_months``."""

    id: str = field(default_factory=new_id)
    quote_id: str
    position: int = 0
    product_id: str | None = None
    description: str | None = None
    quantity: Decimal = Decimal(1)
    list_price: Decimal
    discount_pct: Decimal = Decimal(0)
    net_price: Decimal
    term_months: int = 12

    @property
    def list_amount(self) -> Decimal:
        """List price times quantity, to the cent (quantities may be fractional)."""
        return (self.list_price * self.quantity).quantize(_CENT, rounding=ROUND_HALF_UP)

    @property
    def net_amount(self) -> Decimal:
        """Net price times quantity, to the cent: what the customer pays for this line."""
        return (self.net_price * self.quantity).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(kw_only=True, eq=False)
class Quote(Record):
    """A priced offer on an opportunity; the totals are kept in step with the lines.

    Totals are stored (not only computed) so analytics can read them without the lines, and
    so changing any line changes the quote row, which bumps its ``version``: two people
    editing the same quote's lines cannot overwrite each other silently.

    ``owner_id`` is the rep who asks for its approvals (nobody approves their own quote);
    ``non_standard_terms`` are the spec's term ids the quote asks for (e.g. net-90 payment),
    each needing its approvers.
    """

    id: str = field(default_factory=new_id)
    opportunity_id: str | None = None
    account_id: str | None = None
    owner_id: str | None = None
    name: str | None = None
    status: QuoteStatus = QuoteStatus.DRAFT
    currency: str = "USD"
    created_at: datetime = field(default_factory=utc_now)
    valid_until: date | None = None
    list_total: Decimal = Decimal("0.00")
    net_total: Decimal = Decimal("0.00")
    max_discount_pct: Decimal = Decimal(0)
    non_standard_terms: list[str] = field(default_factory=list)
    source_system: str | None = None
    source_id: str | None = None
    version: int = 0
    lines: list[QuoteLine] = field(default_factory=list)

    def add_line(
        self,
        *,
        list_price: Decimal,
        quantity: Decimal = Decimal(1),
        discount_pct: Decimal = Decimal(0),
        term_months: int = 12,
        product_id: str | None = None,
        description: str | None = None,
    ) -> QuoteLine:
        """Add a line priced from ``list_price`` and ``discount_pct``; totals follow."""
        line = QuoteLine(
            quote_id=self.id,
            position=len(self.lines),
            product_id=product_id,
            description=description,
            quantity=quantity,
            list_price=list_price,
            discount_pct=discount_pct,
            net_price=net_price_after_discount(list_price, discount_pct),
            term_months=term_months,
        )
        self.lines.append(line)
        self.recalculate()
        return line

    def set_discount(self, line_id: str, discount_pct: Decimal) -> None:
        """Change one line's discount (percent points) and reprice it."""
        for line in self.lines:
            if line.id == line_id:
                line.discount_pct = discount_pct
                line.net_price = net_price_after_discount(line.list_price, discount_pct)
                self.recalculate()
                return
        raise ValueError(f"Quote {self.id} has no line {line_id!r}")

    def recalculate(self) -> None:
        """Recompute the totals and the deepest line discount from the lines."""
        self.list_total = sum((line.list_amount for line in self.lines), Decimal("0.00"))
        self.net_total = sum((line.net_amount for line in self.lines), Decimal("0.00"))
        self.max_discount_pct = max((line.discount_pct for line in self.lines), default=Decimal(0))

    @property
    def discount_pct(self) -> Decimal:
        """The effective discount of the whole quote in percent points (0 when empty)."""
        if not self.list_total:
            return Decimal(0)
        return ((self.list_total - self.net_total) / self.list_total * _HUNDRED).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
