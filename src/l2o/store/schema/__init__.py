"""The store's schema: every table on one ``MetaData`` (``metadata``), grouped by area."""

from l2o.store.schema._columns import metadata
from l2o.store.schema.commercial import (
    approvals,
    contracts,
    orders,
    price_book_entries,
    products,
    quote_lines,
    quotes,
    usage_records,
)
from l2o.store.schema.crm import (
    accounts,
    campaigns,
    contacts,
    leads,
    opportunities,
    stage_changes,
    tasks,
    touchpoints,
    users,
)
from l2o.store.schema.operations import audit_log, import_batches, outbox, quarantined_rows

__all__ = [
    "accounts",
    "approvals",
    "audit_log",
    "campaigns",
    "contacts",
    "contracts",
    "import_batches",
    "leads",
    "metadata",
    "opportunities",
    "orders",
    "outbox",
    "price_book_entries",
    "products",
    "quarantined_rows",
    "quote_lines",
    "quotes",
    "stage_changes",
    "tasks",
    "touchpoints",
    "usage_records",
    "users",
]
