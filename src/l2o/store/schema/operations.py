"""Tables that record what happened to the data: the audit log, the outbox of events,
import batches and their quarantined rows, and the merges of duplicates.

These carry no foreign keys to the records they describe: an audit row must outlive a
deleted record, a quarantined row is by definition one that never became a record, and a
merge names records of several types (``record_type`` says which).
"""

from __future__ import annotations

import sqlalchemy as sa

from l2o.domain import AuditAction, ImportStatus, OutboxStatus
from l2o.store.schema._columns import created_at, metadata, primary_id, ref
from l2o.store.types import JSONData, TextEnum, UTCDateTime

__all__ = ["audit_log", "import_batches", "merges", "outbox", "quarantined_rows"]

audit_log = sa.Table(
    "audit_log",
    metadata,
    primary_id(),
    sa.Column("record_type", sa.String(40), nullable=False),
    sa.Column("record_id", sa.String(36), nullable=False),
    sa.Column("action", TextEnum(AuditAction), nullable=False),
    sa.Column("field", sa.String(100)),
    sa.Column("old_value", JSONData),
    sa.Column("new_value", JSONData),
    sa.Column("changed_by", sa.String(36)),
    sa.Column("changed_at", UTCDateTime(), nullable=False),
    sa.Column("source", sa.String(60), nullable=False),
    sa.Index(None, "record_type", "record_id"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    primary_id(),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("payload", JSONData, nullable=False),
    created_at(),
    sa.Column("status", TextEnum(OutboxStatus), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime()),
    sa.Column("delivered_at", UTCDateTime()),
    sa.Column("last_error", sa.Text),
    # The worker's query: pending messages in order of when they are due.
    sa.Index(None, "status", "next_attempt_at"),
)

import_batches = sa.Table(
    "import_batches",
    metadata,
    primary_id(),
    sa.Column("source_system", sa.String(40), nullable=False),
    sa.Column("source_name", sa.String(500)),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("finished_at", UTCDateTime()),
    sa.Column("status", TextEnum(ImportStatus), nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("rows_inserted", sa.Integer, nullable=False),
    sa.Column("rows_updated", sa.Integer, nullable=False),
    sa.Column("rows_unchanged", sa.Integer, nullable=False),
    sa.Column("rows_merged", sa.Integer, nullable=False),
    sa.Column("rows_quarantined", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
)

quarantined_rows = sa.Table(
    "quarantined_rows",
    metadata,
    primary_id(),
    ref("batch_id", "import_batches", nullable=False),
    sa.Column("record_type", sa.String(40), nullable=False),
    sa.Column("row_number", sa.Integer, nullable=False),
    sa.Column("field", sa.String(100)),
    sa.Column("rule", sa.String(100), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("raw", JSONData, nullable=False),
    created_at(),
)

merges = sa.Table(
    "merges",
    metadata,
    primary_id(),
    sa.Column("record_type", sa.String(40), nullable=False),
    sa.Column("master_id", sa.String(36), nullable=False),
    sa.Column("merged_id", sa.String(36), nullable=False),
    sa.Column("merged_snapshot", JSONData, nullable=False),
    sa.Column("reparented", JSONData, nullable=False),
    sa.Column("match_probability", sa.Float),
    sa.Column("rule", sa.String(100), nullable=False),
    sa.Column("merged_at", UTCDateTime(), nullable=False),
    sa.Column("merged_by", sa.String(36)),
    sa.Column("undone_at", UTCDateTime()),
    sa.Column("undone_by", sa.String(36)),
    # A record's merges are looked up from either side.
    sa.Index(None, "record_type", "master_id"),
    sa.Index(None, "record_type", "merged_id"),
)
