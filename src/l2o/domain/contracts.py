"""After the signature: orders, contracts (subscriptions) and the usage customers make of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from l2o.domain.base import Record, new_id, utc_now

__all__ = ["Contract", "ContractStatus", "ContractType", "Order", "OrderStatus", "UsageRecord"]


class OrderStatus(StrEnum):
    """An order is booked as a draft, then activated (provisioned) or cancelled."""

    DRAFT = "draft"
    ACTIVATED = "activated"
    CANCELLED = "cancelled"


class ContractStatus(StrEnum):
    """The state of a subscription contract over its term."""

    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    RENEWED = "renewed"


class ContractType(StrEnum):
    """Why a contract exists: a first subscription, more on top of one, or its next term."""

    NEW = "new"
    EXPANSION = "expansion"
    RENEWAL = "renewal"


@dataclass(kw_only=True, eq=False)
class Order(Record):
    """A booked order: what the customer committed to, from a won deal and its quote."""

    id: str = field(default_factory=new_id)
    account_id: str
    opportunity_id: str | None = None
    quote_id: str | None = None
    status: OrderStatus = OrderStatus.DRAFT
    ordered_at: datetime = field(default_factory=utc_now)
    activated_at: datetime | None = None
    total_amount: Decimal = Decimal("0.00")
    currency: str = "USD"
    source_system: str | None = None
    source_id: str | None = None


@dataclass(kw_only=True, eq=False)
class Contract(Record):
    """A subscription over a term: the ARR it carries and the contract it renews.

    ``renewal_of_id`` links a renewal to the contract it replaces, and ``parent_contract_id``
    an expansion to the contract it is co-termed with, which is how gross and net revenue
    retention are traced across terms. ``contract_type`` says which of the three it is
    (``None``: the source did not say).
    """

    id: str = field(default_factory=new_id)
    account_id: str
    opportunity_id: str | None = None
    order_id: str | None = None
    renewal_of_id: str | None = None
    parent_contract_id: str | None = None
    contract_type: ContractType | None = None
    status: ContractStatus = ContractStatus.ACTIVE
    start_date: date
    end_date: date
    arr: Decimal
    mrr: Decimal | None = None
    currency: str = "USD"
    auto_renew: bool = False
    cancelled_at: datetime | None = None
    created_at: datetime = field(default_factory=utc_now)
    source_system: str | None = None
    source_id: str | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise ValueError(
                f"Contract {self.id}: ends {self.end_date} before it starts {self.start_date}"
            )
        if self.mrr is None:
            self.mrr = (self.arr / 12).quantize(Decimal("0.01"))

    def is_active_on(self, day: date) -> bool:
        """Whether the contract is in force on ``day`` (start and end dates included)."""
        if self.status in (ContractStatus.CANCELLED, ContractStatus.PENDING):
            return False
        return self.start_date <= day <= self.end_date


@dataclass(kw_only=True, eq=False)
class UsageRecord(Record):
    """A measured quantity of a metric an account used (seats, API calls) at a moment.

    ``licensed_seats`` is how many seats the contract allowed then, so utilisation
    (``quantity`` of active users over licensed seats) reads from one row.
    """

    id: str = field(default_factory=new_id)
    account_id: str
    contract_id: str | None = None
    metric: str
    quantity: Decimal
    occurred_at: datetime
    licensed_seats: int | None = None
    source_system: str | None = None
    source_id: str | None = None
