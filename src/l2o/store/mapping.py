"""Imperative mapping of the domain's plain classes onto the tables (cosmicpython style).

The domain never imports SQLAlchemy; this module teaches SQLAlchemy about the domain.
``start_mappers()`` is idempotent: the unit of work calls it, and so may tests and scripts.

Records people edit concurrently map their ``version`` column as SQLAlchemy's
``version_id_col``: every UPDATE says ``WHERE id = :id AND version = :loaded_version`` and
raises the version by one, so a write based on an out-of-date read matches no row and
fails (the unit of work turns that into ``l2o.errors.StaleRecord``).
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship

from l2o import domain
from l2o.store import schema
from l2o.store.audit import track_loaded_values

__all__ = ["VERSIONED_RECORDS", "mapper_registry", "start_mappers"]

mapper_registry = registry(metadata=schema.metadata)

#: Record classes whose ``version`` column guards against lost updates.
VERSIONED_RECORDS: tuple[type[domain.Record], ...] = (
    domain.Account,
    domain.Lead,
    domain.Opportunity,
    domain.Quote,
    domain.Approval,
    domain.Contract,
    domain.RoutingState,
)

# Every record class and its table, parents before children.
_TABLES: tuple[tuple[type[domain.Record], sa.Table], ...] = (
    (domain.Territory, schema.territories),
    (domain.User, schema.users),
    (domain.Account, schema.accounts),
    (domain.Contact, schema.contacts),
    (domain.Campaign, schema.campaigns),
    (domain.Lead, schema.leads),
    (domain.Touchpoint, schema.touchpoints),
    (domain.StageChange, schema.stage_changes),
    (domain.Opportunity, schema.opportunities),
    (domain.OpportunityFieldChange, schema.opportunity_field_changes),
    (domain.Product, schema.products),
    (domain.PriceBookEntry, schema.price_book_entries),
    (domain.QuoteLine, schema.quote_lines),
    (domain.Quote, schema.quotes),
    (domain.Approval, schema.approvals),
    (domain.Order, schema.orders),
    (domain.Contract, schema.contracts),
    (domain.UsageRecord, schema.usage_records),
    (domain.SupportTicket, schema.support_tickets),
    (domain.Task, schema.tasks),
    (domain.AuditEntry, schema.audit_log),
    (domain.OutboxMessage, schema.outbox),
    (domain.ImportBatch, schema.import_batches),
    (domain.QuarantinedRow, schema.quarantined_rows),
    (domain.Merge, schema.merges),
    (domain.Assignment, schema.assignments),
    (domain.RoutingState, schema.routing_state),
)

_lock = threading.Lock()


def start_mappers() -> registry:
    """Map every record class to its table, once; later calls return the same registry."""
    with _lock:
        if sa.inspect(domain.Opportunity, raiseerr=False) is not None:
            return mapper_registry
        for record_class, table in _TABLES:
            options: dict[str, object] = {}
            if record_class in VERSIONED_RECORDS:
                options["version_id_col"] = table.c.version
            mapper_registry.map_imperatively(
                record_class, table, properties=_relationships(record_class), **options
            )
            track_loaded_values(record_class)
        mapper_registry.configure()
        return mapper_registry


def _relationships(record_class: type[domain.Record]) -> dict[str, object]:
    # Children load with their parent (selectin), so a record read in one unit of work is
    # complete after the session closes; the parent owns them (delete-orphan).
    if record_class is domain.Opportunity:
        return {
            "stage_history": relationship(
                domain.StageChange,
                order_by=[schema.stage_changes.c.changed_at, schema.stage_changes.c.id],
                cascade="all, delete-orphan",
                lazy="selectin",
            )
        }
    if record_class is domain.Quote:
        return {
            "lines": relationship(
                domain.QuoteLine,
                order_by=[schema.quote_lines.c.position, schema.quote_lines.c.id],
                cascade="all, delete-orphan",
                lazy="selectin",
            )
        }
    return {}
