"""API access in the store: access roles, token digests, idempotent responses, subscriptions.

Works on the connection of the caller's transaction with SQLAlchemy Core, as
``l2o.store.assessments`` does: these rows are bookkeeping of the API, not records the
domain edits, so they have no mapped class::

    with engine.begin() as conn:
        ApiTokens(conn).add(user_id, token_hash=digest, prefix="l2o_Ab3d")
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from l2o.domain import new_id, utc_now
from l2o.errors import RecordNotFound
from l2o.store.schema import api_tokens, idempotency_keys, user_access, webhook_subscriptions

__all__ = [
    "AccessGrants",
    "ApiTokens",
    "IdempotencyKeys",
    "StoredResponse",
    "TokenRow",
    "WebhookSubscriptionRow",
    "WebhookSubscriptions",
]


class AccessGrants:
    """Each user's access role, on one open connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def set(self, user_id: str, access_role: str) -> None:
        """Give ``user_id`` the access role ``access_role`` (replacing the one they had)."""
        self._conn.execute(user_access.delete().where(user_access.c.user_id == user_id))
        self._conn.execute(
            user_access.insert().values(
                user_id=user_id, access_role=access_role, created_at=utc_now()
            )
        )

    def role_of(self, user_id: str) -> str | None:
        """The access role of ``user_id``, or ``None`` when they were given none."""
        return self._conn.execute(
            sa.select(user_access.c.access_role).where(user_access.c.user_id == user_id)
        ).scalar()


@dataclass(frozen=True)
class TokenRow:
    """A stored token: whose it is and whether it still works (never the token itself)."""

    id: str
    user_id: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokens:
    """API tokens by their SHA-256 digest, on one open connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, user_id: str, *, token_hash: str, prefix: str) -> str:
        """Store a token's digest for ``user_id``; the new token row's id."""
        token_id = new_id()
        self._conn.execute(
            api_tokens.insert().values(
                id=token_id,
                user_id=user_id,
                token_hash=token_hash,
                prefix=prefix,
                created_at=utc_now(),
            )
        )
        return token_id

    def by_hash(self, token_hash: str) -> TokenRow | None:
        """The live (not revoked) token with this digest, or ``None``."""
        t = api_tokens.c
        row = self._conn.execute(
            sa.select(t.id, t.user_id, t.prefix, t.created_at, t.last_used_at, t.revoked_at)
            .where(t.token_hash == token_hash)
            .where(t.revoked_at.is_(None))
        ).first()
        return TokenRow(*row) if row is not None else None

    def for_user(self, user_id: str) -> list[TokenRow]:
        """Every token of ``user_id``, revoked ones included, oldest first."""
        t = api_tokens.c
        rows = self._conn.execute(
            sa.select(t.id, t.user_id, t.prefix, t.created_at, t.last_used_at, t.revoked_at)
            .where(t.user_id == user_id)
            .order_by(t.created_at, t.id)
        )
        return [TokenRow(*row) for row in rows]

    def revoke(self, token_id: str) -> None:
        """Stop the token ``token_id`` from working (``RecordNotFound`` if there is none)."""
        done = self._conn.execute(
            api_tokens.update()
            .where(api_tokens.c.id == token_id)
            .where(api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
        if done.rowcount == 0:
            raise RecordNotFound("ApiToken", token_id)


@dataclass(frozen=True)
class StoredResponse:
    """What an idempotency key holds: the request's fingerprint and, once done, the answer."""

    fingerprint: str
    method: str
    path: str
    status_code: int | None
    headers: dict[str, str]
    body: bytes

    @property
    def in_progress(self) -> bool:
        """Whether the first request with this key is still being answered."""
        return self.status_code is None


class IdempotencyKeys:
    """Responses kept per (scope, key), on one open connection: each operation for many keys
    at once (one statement), for a group of requests' keys."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def find(self, scope: str, key: str) -> StoredResponse | None:
        """The request and response stored under ``key`` for ``scope``, or ``None``."""
        return self.find_each([(scope, key)]).get((scope, key))

    def find_each(self, refs: Collection[tuple[str, str]]) -> dict[tuple[str, str], StoredResponse]:
        """What each ``(scope, key)`` of ``refs`` holds, for those stored."""
        if not refs:
            return {}
        k = idempotency_keys.c
        rows = self._conn.execute(
            sa.select(
                k.scope, k.key, k.fingerprint, k.method, k.path, k.status_code, k.headers, k.body
            ).where(sa.tuple_(k.scope, k.key).in_(list(refs)))
        )
        return {
            (row.scope, row.key): StoredResponse(
                row.fingerprint,
                row.method,
                row.path,
                row.status_code,
                dict(row.headers or {}),
                bytes(row.body or b""),
            )
            for row in rows
        }

    def claim_each(self, claims: Sequence[Mapping[str, str]]) -> set[tuple[str, str]]:
        """Record that a request with each of ``claims``' keys is being answered (``scope``,
        ``key``, ``fingerprint``, ``method``, ``path``), in one statement; the ``(scope, key)``
        of those claimed now. A key taken - by a committed request, or on a server by one
        committing meanwhile, which this waits for - is left as it is; of two claims of one
        key, the first is the one claimed."""
        if not claims:
            return set()
        now = utc_now()
        dialect = self._conn.dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        k = idempotency_keys.c
        statement = (
            insert(idempotency_keys)
            .values([{**claim, "created_at": now} for claim in claims])
            .on_conflict_do_nothing()
            .returning(k.scope, k.key)
        )
        return {(row.scope, row.key) for row in self._conn.execute(statement)}

    def complete_each(self, completions: Sequence[Mapping[str, Any]]) -> None:
        """Store the response given to the request holding each of ``completions``' keys
        (``scope``, ``key``, ``status_code``, ``headers``, ``body``), in one statement."""
        if not completions:
            return
        k = idempotency_keys.c
        statement = (
            idempotency_keys.update()
            .where((k.scope == sa.bindparam("_scope")) & (k.key == sa.bindparam("_key")))
            .values(
                status_code=sa.bindparam("status_code"),
                headers=sa.bindparam("headers"),
                body=sa.bindparam("body"),
            )
        )
        self._conn.execute(
            statement,
            [
                {
                    "_scope": done["scope"],
                    "_key": done["key"],
                    "status_code": done["status_code"],
                    "headers": done["headers"],
                    "body": done["body"],
                }
                for done in completions
            ],
        )

    def release_each(self, refs: Collection[tuple[str, str]]) -> None:
        """Forget each ``(scope, key)`` of ``refs`` (its request failed in a way a retry may
        fix), in one statement."""
        if refs:
            k = idempotency_keys.c
            self._conn.execute(
                idempotency_keys.delete().where(sa.tuple_(k.scope, k.key).in_(list(refs)))
            )


@dataclass(frozen=True)
class WebhookSubscriptionRow:
    """A registered outbound webhook receiver (the secret stays in the store)."""

    id: str
    name: str
    url: str
    events: tuple[str, ...]
    enabled: bool
    created_at: datetime


class WebhookSubscriptions:
    """Outbound webhook receivers registered over the API, on one open connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self, *, name: str, url: str, events: tuple[str, ...], secret: str, created_by: str | None
    ) -> str:
        """Register a receiver; the new subscription's id."""
        subscription_id = new_id()
        self._conn.execute(
            webhook_subscriptions.insert().values(
                id=subscription_id,
                name=name,
                url=url,
                events=list(events),
                secret=secret,
                enabled=True,
                created_by=created_by,
                created_at=utc_now(),
            )
        )
        return subscription_id

    def exists(self, name: str) -> bool:
        """Whether a receiver called ``name`` is registered."""
        w = webhook_subscriptions.c
        return self._conn.execute(sa.select(w.id).where(w.name == name)).first() is not None

    def list(self) -> list[WebhookSubscriptionRow]:
        """Every registered receiver, oldest first."""
        w = webhook_subscriptions.c
        rows = self._conn.execute(
            sa.select(w.id, w.name, w.url, w.events, w.enabled, w.created_at).order_by(
                w.created_at, w.id
            )
        )
        return [_subscription(row) for row in rows]


def _subscription(row: Any) -> WebhookSubscriptionRow:
    return WebhookSubscriptionRow(
        row.id, row.name, row.url, tuple(row.events), bool(row.enabled), row.created_at
    )
