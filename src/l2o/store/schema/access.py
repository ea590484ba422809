"""Who may use the API and what it has already answered.

- ``user_access``: each user's access role (admin, revops, manager, rep, approver, viewer),
  one row per user, kept apart from ``users`` because the coverage role (``users.role``)
  says where a person sits in sales, not what they may see.
- ``api_tokens``: tokens stored as their SHA-256 digest, never in plain text; ``prefix``
  (the first characters) lets a person tell their tokens apart.
- ``idempotency_keys``: the response given to a POST with an ``Idempotency-Key``, so the
  same request sent again gets the same answer (``status_code`` empty while in progress).
- ``webhook_subscriptions``: outbound webhook receivers registered over the API, each URL
  checked against the network policy when it is registered.
"""

from __future__ import annotations

import sqlalchemy as sa

from l2o.store.schema._columns import created_at, metadata, primary_id, ref
from l2o.store.types import JSONData, UTCDateTime

__all__ = ["api_tokens", "idempotency_keys", "user_access", "webhook_subscriptions"]

user_access = sa.Table(
    "user_access",
    metadata,
    sa.Column(
        "user_id",
        sa.String(36),
        sa.ForeignKey("users.id", deferrable=True, initially="DEFERRED"),
        primary_key=True,
    ),
    sa.Column("access_role", sa.String(20), nullable=False),
    created_at(),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    primary_id(),
    ref("user_id", "users", nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    created_at(),
    sa.Column("last_used_at", UTCDateTime()),
    sa.Column("revoked_at", UTCDateTime()),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    # Who sent the key (a user id, or ``webhook``): one client's keys never meet another's.
    sa.Column("scope", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.String(2000), nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("headers", JSONData),
    sa.Column("body", sa.LargeBinary),
    created_at(),
)

webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    primary_id(),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("events", JSONData, nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    ref("created_by", "users"),
    created_at(),
)
