"""Tables of the commercial side: products and price books, quotes and their lines,
approvals, orders, contracts (subscriptions), usage and support tickets."""

from __future__ import annotations

import sqlalchemy as sa

from l2o.domain import (
    ApprovalStatus,
    ContractStatus,
    ContractType,
    OrderStatus,
    QuoteStatus,
    TicketStatus,
)
from l2o.store.schema._columns import (
    created_at,
    metadata,
    primary_id,
    ref,
    source_columns,
    version,
)
from l2o.store.types import JSONData, Money, Percent, Quantity, TextEnum, UTCDateTime

__all__ = [
    "approvals",
    "contracts",
    "orders",
    "price_book_entries",
    "products",
    "quote_lines",
    "quotes",
    "support_tickets",
    "usage_records",
]

products = sa.Table(
    "products",
    metadata,
    primary_id(),
    sa.Column("sku", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("family", sa.String(100)),
    sa.Column("recurring", sa.Boolean, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    created_at(),
    *source_columns(),
)

price_book_entries = sa.Table(
    "price_book_entries",
    metadata,
    primary_id(),
    ref("product_id", "products", nullable=False),
    sa.Column("price_book", sa.String(60), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("list_price", Money(), nullable=False),
    sa.Column("unit", sa.String(60)),
    sa.Column("term_months", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    *source_columns(),
    sa.UniqueConstraint("price_book", "product_id", "currency"),
)

quotes = sa.Table(
    "quotes",
    metadata,
    primary_id(),
    ref("opportunity_id", "opportunities"),
    ref("account_id", "accounts"),
    ref("owner_id", "users"),
    sa.Column("name", sa.String(255)),
    sa.Column("status", TextEnum(QuoteStatus), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    created_at(),
    sa.Column("valid_until", sa.Date),
    sa.Column("list_total", Money(), nullable=False),
    sa.Column("net_total", Money(), nullable=False),
    sa.Column("max_discount_pct", Percent(), nullable=False),
    sa.Column("non_standard_terms", JSONData, nullable=False),
    *source_columns(),
    version(),
)

quote_lines = sa.Table(
    "quote_lines",
    metadata,
    primary_id(),
    ref("quote_id", "quotes", nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    ref("product_id", "products"),
    sa.Column("description", sa.String(500)),
    sa.Column("quantity", Quantity(), nullable=False),
    sa.Column("list_price", Money(), nullable=False),
    sa.Column("discount_pct", Percent(), nullable=False),
    sa.Column("net_price", Money(), nullable=False),
    sa.Column("term_months", sa.Integer, nullable=False),
)

approvals = sa.Table(
    "approvals",
    metadata,
    primary_id(),
    ref("quote_id", "quotes", nullable=False),
    ref("opportunity_id", "opportunities"),
    sa.Column("approver_role", sa.String(40), nullable=False),
    ref("approver_id", "users"),
    ref("requested_by", "users"),
    sa.Column("status", TextEnum(ApprovalStatus), nullable=False, index=True),
    sa.Column("discount_pct", Percent()),
    sa.Column("reason", sa.String(1000)),
    sa.Column("requested_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime()),
    sa.Column("decided_at", UTCDateTime()),
    sa.Column("decision_note", sa.String(1000)),
    version(),
)

orders = sa.Table(
    "orders",
    metadata,
    primary_id(),
    ref("account_id", "accounts", nullable=False),
    ref("opportunity_id", "opportunities"),
    ref("quote_id", "quotes"),
    sa.Column("status", TextEnum(OrderStatus), nullable=False),
    sa.Column("ordered_at", UTCDateTime(), nullable=False),
    sa.Column("activated_at", UTCDateTime()),
    sa.Column("total_amount", Money(), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    *source_columns(),
)

contracts = sa.Table(
    "contracts",
    metadata,
    primary_id(),
    ref("account_id", "accounts", nullable=False),
    ref("opportunity_id", "opportunities"),
    ref("order_id", "orders"),
    ref("renewal_of_id", "contracts"),
    ref("parent_contract_id", "contracts"),
    sa.Column("contract_type", TextEnum(ContractType)),
    sa.Column("status", TextEnum(ContractStatus), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False, index=True),
    sa.Column("arr", Money(), nullable=False),
    sa.Column("mrr", Money()),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("auto_renew", sa.Boolean, nullable=False),
    sa.Column("cancelled_at", UTCDateTime()),
    created_at(),
    *source_columns(),
    version(),
)

usage_records = sa.Table(
    "usage_records",
    metadata,
    primary_id(),
    ref("account_id", "accounts", nullable=False),
    ref("contract_id", "contracts"),
    sa.Column("metric", sa.String(100), nullable=False),
    sa.Column("quantity", Quantity(), nullable=False),
    sa.Column("occurred_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("licensed_seats", sa.Integer),
    *source_columns(),
)

support_tickets = sa.Table(
    "support_tickets",
    metadata,
    primary_id(),
    ref("account_id", "accounts", nullable=False),
    ref("contact_id", "contacts"),
    created_at(),
    sa.Column("closed_at", UTCDateTime()),
    sa.Column("status", TextEnum(TicketStatus), nullable=False, index=True),
    sa.Column("priority", sa.String(20)),
    sa.Column("category", sa.String(60)),
    sa.Column("satisfaction", sa.Integer),
    *source_columns(),
    sa.CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_1_to_5"),
)
