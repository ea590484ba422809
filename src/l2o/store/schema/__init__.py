"""The store's schema: every table on one ``MetaData`` (``metadata``), grouped by area."""

from l2o.store.schema._columns import metadata
from l2o.store.schema.access import (
    api_tokens,
    idempotency_keys,
    user_access,
    webhook_subscriptions,
)
from l2o.store.schema.assessments import assessment_snapshots
from l2o.store.schema.commercial import (
    approvals,
    contracts,
    orders,
    price_book_entries,
    products,
    quote_lines,
    quotes,
    support_tickets,
    usage_records,
)
from l2o.store.schema.crm import (
    accounts,
    campaigns,
    contacts,
    leads,
    opportunities,
    opportunity_field_changes,
    stage_changes,
    tasks,
    territories,
    touchpoints,
    users,
)
from l2o.store.schema.operations import (
    audit_log,
    import_batches,
    merges,
    outbox,
    quarantined_rows,
)
from l2o.store.schema.routing import assignments, routing_state

__all__ = [
    "accounts",
    "api_tokens",
    "approvals",
    "assessment_snapshots",
    "assignments",
    "audit_log",
    "campaigns",
    "contacts",
    "contracts",
    "idempotency_keys",
    "import_batches",
    "leads",
    "merges",
    "metadata",
    "opportunities",
    "opportunity_field_changes",
    "orders",
    "outbox",
    "price_book_entries",
    "products",
    "quarantined_rows",
    "quote_lines",
    "quotes",
    "routing_state",
    "stage_changes",
    "support_tickets",
    "tasks",
    "territories",
    "touchpoints",
    "usage_records",
    "user_access",
    "users",
    "webhook_subscriptions",
]
