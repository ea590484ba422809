"""Idempotency keys as use cases: claim, complete and release them, many in one transaction.

The API's request guard claims a POST's key before the request runs and stores its response
(or releases the key) after. Requests arrive together, so their keys are settled together:
:func:`settle_keys` runs a group of operations in one transaction, as if in order (a few
statements for the whole group, not one an operation), and gives each its own result - a
claim ``None`` (claimed: answer the request) or what the key holds, a completion or release
``None``, or the exception that operation alone raised. A group whose transaction fails is
settled again one operation at a time, so only the operation at fault gets the error.
``claim_key``, ``claim_or_find``, ``complete_key`` and ``release_key`` are groups of one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from l2o.store.access import IdempotencyKeys, StoredResponse

__all__ = [
    "KeyClaim",
    "KeyCompletion",
    "KeyOperation",
    "KeyRelease",
    "claim_key",
    "claim_or_find",
    "complete_key",
    "find_key",
    "release_key",
    "settle_keys",
]


@dataclass(frozen=True)
class KeyClaim:
    """Claim ``key`` for a request (``method``, ``path``, ``fingerprint`` of its body)."""

    scope: str
    key: str
    fingerprint: str
    method: str
    path: str


@dataclass(frozen=True)
class KeyCompletion:
    """Store the response given to the request holding ``key``."""

    scope: str
    key: str
    status_code: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class KeyRelease:
    """Forget ``key`` so a retry runs the request again."""

    scope: str
    key: str


KeyOperation = KeyClaim | KeyCompletion | KeyRelease
#: What an operation comes to: a claim's ``None`` or stored response, else ``None``; or the
#: exception the operation raised.
KeyResult = StoredResponse | None | Exception


def settle_keys(
    engine: Engine,
    operations: Sequence[KeyOperation],
    *,
    turn: Callable[[], AbstractContextManager[object]] | None = None,
) -> list[KeyResult]:
    """Run ``operations`` in one transaction, in order; each one's result. ``turn``, when
    given, is held around each transaction (the API's worker processes take turns writing
    to SQLite)."""
    hold = turn or nullcontext
    try:
        with hold(), engine.begin() as conn:
            return _settle_all(IdempotencyKeys(conn), operations)
    except Exception as exc:
        if len(operations) == 1:
            return [exc]
    return [settle_keys(engine, [operation], turn=turn)[0] for operation in operations]


def _settle_all(keys: IdempotencyKeys, operations: Sequence[KeyOperation]) -> list[KeyResult]:
    """Each operation's result, as if settled one after the other.

    Operations on different keys do not change each other's outcome, so they are settled a
    round at a time - every key's first operation, then every key's second, ... - and each
    round's completions, releases and claims (and the look-ups of the keys found taken) in
    one statement each, not one a key.
    """
    rounds: list[list[int]] = []
    seen: dict[tuple[str, str], int] = {}
    for index, operation in enumerate(operations):
        ref = (operation.scope, operation.key)
        at = seen[ref] = seen.get(ref, -1) + 1
        if at == len(rounds):
            rounds.append([])
        rounds[at].append(index)
    results: list[KeyResult] = [None] * len(operations)
    for indexes in rounds:
        each = [operations[i] for i in indexes]
        keys.complete_each([vars(op) for op in each if isinstance(op, KeyCompletion)])
        keys.release_each([(op.scope, op.key) for op in each if isinstance(op, KeyRelease)])
        claims = [(i, op) for i, op in zip(indexes, each, strict=True) if isinstance(op, KeyClaim)]
        claimed = keys.claim_each([vars(op) for _, op in claims])
        taken = [(i, op) for i, op in claims if (op.scope, op.key) not in claimed]
        stored = keys.find_each([(op.scope, op.key) for _, op in taken])
        for i, op in taken:
            found = stored.get((op.scope, op.key))
            results[i] = found if found is not None else _claimed_again(keys, op)
    return results


def _claimed_again(keys: IdempotencyKeys, claim: KeyClaim) -> StoredResponse | None:
    """``claim``, whose key was taken but gone at its look-up (its request failed and let it
    go), made once more: ``None`` when claimed; taken and let go again meanwhile, the key is
    reported as still being answered (a retry will get it)."""
    if keys.claim_each([vars(claim)]):
        return None
    stored = keys.find(claim.scope, claim.key)
    if stored is not None:
        return stored
    return StoredResponse(claim.fingerprint, claim.method, claim.path, None, {}, b"")


def find_key(engine: Engine, scope: str, key: str) -> StoredResponse | None:
    """The request and response stored under ``key`` for ``scope``, or ``None``."""
    with engine.connect() as conn:
        return IdempotencyKeys(conn).find(scope, key)


def claim_or_find(
    engine: Engine, scope: str, key: str, fingerprint: str, method: str, path: str
) -> StoredResponse | None:
    """Claim ``key`` for a request: ``None`` when claimed (answer the request), else what is
    stored under it - the earlier request and, once given, its response."""
    return _one(engine, KeyClaim(scope, key, fingerprint, method, path))


def claim_key(
    engine: Engine, scope: str, key: str, fingerprint: str, method: str, path: str
) -> bool:
    """Claim ``key`` for a request; ``False`` when another request claimed it first."""
    return claim_or_find(engine, scope, key, fingerprint, method, path) is None


def complete_key(
    engine: Engine, scope: str, key: str, status_code: int, headers: dict[str, str], body: bytes
) -> None:
    """Store the response to the request holding ``key``."""
    _one(engine, KeyCompletion(scope, key, status_code, headers, body))


def release_key(engine: Engine, scope: str, key: str) -> None:
    """Forget ``key`` so a retry runs the request again."""
    _one(engine, KeyRelease(scope, key))


def _one(engine: Engine, operation: KeyOperation) -> StoredResponse | None:
    (result,) = settle_keys(engine, [operation])
    if isinstance(result, Exception):
        raise result
    return result
