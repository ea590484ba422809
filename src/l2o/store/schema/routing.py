"""Tables of lead routing: each assignment with "why this owner", and the pools' state.

``assignments`` is history (one row per routing of a lead, never updated); ``routing_state``
is one versioned row holding every pool's pointer and every rep's load for the day, so
concurrent routings cannot both fill a rep's last slot.
"""

from __future__ import annotations

import sqlalchemy as sa

from l2o.store.schema._columns import metadata, primary_id, ref, version
from l2o.store.types import JSONData, UTCDateTime

__all__ = ["assignments", "routing_state"]

assignments = sa.Table(
    "assignments",
    metadata,
    primary_id(),
    ref("lead_id", "leads", nullable=False),
    ref("owner_id", "users"),
    # The rep as the spec names them (a pool member's ``user``: an email or a user id).
    sa.Column("assignee", sa.String(320)),
    sa.Column("rule", sa.String(64)),
    sa.Column("pool", sa.String(64)),
    sa.Column("pointer", sa.Integer),
    sa.Column("segment", sa.String(64)),
    sa.Column("territory", sa.String(64)),
    sa.Column("reasons", JSONData, nullable=False),
    sa.Column("alternatives", JSONData, nullable=False),
    sa.Column("trigger", sa.String(20), nullable=False),
    sa.Column("assigned_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("assigned_by", sa.String(36)),
)

routing_state = sa.Table(
    "routing_state",
    metadata,
    primary_id(),
    sa.Column("day", sa.Date),
    sa.Column("loads", JSONData, nullable=False),
    sa.Column("pointers", JSONData, nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    version(),
)
