"""Idempotency keys claimed, completed and released in groups, one transaction a group.

::

    ledger = KeyLedger(engine, turns=StoreTurns.for_store(engine))
    stored = await ledger.settle(KeyClaim(owner, key, fingerprint, "POST", "/leads"))

Every POST with an ``Idempotency-Key`` claims the key before it runs and stores its response
after: two writes of its own, each a transaction - on SQLite, one writer at a time across
the worker processes. Settled one by one they cost more than the request they guard (a keyed
``POST /leads`` ran at a quarter of the unkeyed rate). The ledger settles the operations of
the requests arriving together in one transaction, in the order they came
(:func:`l2o.services.access_idempotency.settle_keys`); each request gets its own
operation's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from l2o.entrypoints.api.grouping import StoreTurns, WriteGroups
from l2o.services.access_idempotency import KeyClaim, KeyOperation, KeyResult, settle_keys
from l2o.store.access import StoredResponse

__all__ = ["KeyHold", "KeyLedger", "KeyTaken"]


@dataclass(eq=False)
class KeyHold:
    """A keyed request's claim, left to the write group that runs its command (a new lead's:
    ``lead_intake``), so the request waits for one group, not two; ``claimed`` once the key
    is the request's own."""

    claim: KeyClaim
    claimed: bool = False


class KeyTaken(Exception):
    """The request's key was claimed before - by the request it repeats, or one with another
    body: ``stored`` is what the key holds, for the guard to answer with."""

    def __init__(self, stored: StoredResponse) -> None:
        super().__init__(f"idempotency key taken ({stored.method} {stored.path})")
        self.stored = stored


class KeyLedger:
    """Settles the idempotency-key operations of one event loop's requests in groups."""

    def __init__(
        self,
        engine: Engine,
        *,
        turns: StoreTurns | None = None,
        window: float = 0.001,
        on_loop: bool = False,
    ) -> None:
        self.engine = engine
        self.turns = turns
        self._groups: WriteGroups[KeyOperation, StoredResponse | None] = WriteGroups(
            self._settle, window=window, on_loop=on_loop
        )

    async def settle(self, operation: KeyOperation) -> StoredResponse | None:
        """Settle ``operation`` with the others arriving now: a claim's ``None`` (claimed)
        or what the key holds; ``None`` for a completion or a release."""
        return await self._groups.submit(operation)

    def _settle(self, operations: Sequence[KeyOperation]) -> list[KeyResult]:
        turn = None if self.turns is None else self.turns.turn
        return settle_keys(self.engine, operations, turn=turn)
