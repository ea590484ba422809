"""The assessment snapshots: every ``assessment.json`` as it was computed, to compare later.

A snapshot is history: written once, never updated. ``document`` holds the whole
``assessment.json``; ``name``, ``index`` and ``rubric_version`` are copied out of it so a list
of snapshots needs no JSON parsing.
"""

from __future__ import annotations

import sqlalchemy as sa

from l2o.store.schema._columns import created_at, metadata, primary_id
from l2o.store.types import JSONData

__all__ = ["assessment_snapshots"]

assessment_snapshots = sa.Table(
    "assessment_snapshots",
    metadata,
    primary_id(),
    sa.Column("name", sa.String(200), nullable=False, index=True),
    created_at(),
    sa.Column("rubric_version", sa.String(20), nullable=False),
    sa.Column("schema_version", sa.String(20), nullable=False),
    sa.Column("index", sa.Float),
    sa.Column("document", JSONData, nullable=False),
)
