"""Idempotency keys as use cases: find, claim, complete and release one, each in its own
transaction (the API's request guard calls them around the request it protects).

A request with a new key costs two transactions: :func:`claim_or_find` (which reads the
stored request only when the key is taken) and :func:`complete_key`."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from l2o.store.access import IdempotencyKeys, StoredResponse

__all__ = ["claim_key", "claim_or_find", "complete_key", "find_key", "release_key"]


def find_key(engine: Engine, scope: str, key: str) -> StoredResponse | None:
    """The request and response stored under ``key`` for ``scope``, or ``None``."""
    with engine.connect() as conn:
        return IdempotencyKeys(conn).find(scope, key)


def claim_key(
    engine: Engine, scope: str, key: str, fingerprint: str, method: str, path: str
) -> bool:
    """Claim ``key`` for a request; ``False`` when another request claimed it first."""
    try:
        with engine.begin() as conn:
            IdempotencyKeys(conn).claim(
                scope, key, fingerprint=fingerprint, method=method, path=path
            )
    except IntegrityError:
        return False
    return True


def claim_or_find(
    engine: Engine, scope: str, key: str, fingerprint: str, method: str, path: str
) -> StoredResponse | None:
    """Claim ``key`` for a request: ``None`` when claimed (answer the request), else what is
    stored under it - the earlier request and, once given, its response. A key released
    between the claim and the look-up (its request failed) is claimed again; released
    again meanwhile, it is reported as still being answered (a retry will get it)."""
    for _ in range(2):
        if claim_key(engine, scope, key, fingerprint, method, path):
            return None
        stored = find_key(engine, scope, key)
        if stored is not None:
            return stored
    return StoredResponse(fingerprint, method, path, None, {}, b"")


def complete_key(
    engine: Engine, scope: str, key: str, status_code: int, headers: dict[str, str], body: bytes
) -> None:
    """Store the response to the request holding ``key``."""
    with engine.begin() as conn:
        IdempotencyKeys(conn).complete(
            scope, key, status_code=status_code, headers=headers, body=body
        )


def release_key(engine: Engine, scope: str, key: str) -> None:
    """Forget ``key`` so a retry runs the request again."""
    with engine.begin() as conn:
        IdempotencyKeys(conn).release(scope, key)
