"""New leads arriving over HTTP, stored together: group commit for ``POST /leads``.

::

    intake = LeadIntake(ctx.system)
    outcome = await intake.add(AddLead(email="ana@globex.example", at=now))   # in a request

Adding one lead is one transaction of about 25 statements; at hundreds of requests a second
the store spends its time beginning and committing them. The intake instead collects the
leads that arrive while it waits (``window``, a millisecond or two) or while the previous
group is being stored, and stores each group with
:func:`l2o.services.leads_batch.add_leads` - which decides exactly what one
:func:`~l2o.services.leads.add_lead` after another decides (property-tested), in one
transaction. Every request still gets its own lead's outcome.

A group whose batch fails (a refusal, a conflict that outlasted the batch's retries, a
database error) is stored again one lead at a time, so only the lead that fails gets the
error and the others their outcomes. Leads are grouped per acting user, since a batch is
audited under one actor.

A request with an ``Idempotency-Key`` hands its claim to the intake (a
:class:`~l2o.entrypoints.api.key_ledger.KeyHold`): the claims of a group are settled first,
in a transaction of their own, and a lead whose key was taken is not added - its request gets
:class:`~l2o.entrypoints.api.key_ledger.KeyTaken`, for the guard to answer with what the key
holds. The request so waits for one group, not for a group of claims and then its lead's.
Its answer is stored (``settle_key``) with the claims of a later group, in their transaction.

The grouping is :class:`~l2o.entrypoints.api.grouping.WriteGroups` (``on_loop``: each group
written on the event loop's thread, for SQLite). Every routed lead
writes the one pool-state row, so two groups stored at once (two worker processes) cannot
both commit it as they read it. On PostgreSQL the batch locks that row when it starts
routing (``SELECT ... FOR UPDATE``): another group scores its leads meanwhile and waits only
for the commit before routing from the state left. SQLite has no such lock - the later
group would find the state changed and start again - so there the worker processes on one
host take turns (``StoreTurns``, the turn every write group of the API takes) from the same
moment to the commit: a group scores its leads while the other stores, then waits for the
other's commit instead of redoing its work, and the leads arriving meanwhile join the next
group. The store's own versioning keeps the pools right either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import cast

from l2o.domain import AddLead
from l2o.entrypoints.api.grouping import StoreTurns, WriteGroups
from l2o.entrypoints.api.key_ledger import KeyHold, KeyTaken
from l2o.services.access_idempotency import (
    KeyCompletion,
    KeyOperation,
    KeyRelease,
    settle_keys,
)
from l2o.services.bootstrap import RevenueSystem
from l2o.services.leads import LeadOutcome, add_lead
from l2o.services.leads_batch import NewLead, add_leads
from l2o.store.access import StoredResponse

__all__ = ["LeadIntake", "store_group"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Arrival:
    """A lead to add and, for a keyed request, the claim on its key."""

    command: AddLead
    key: KeyHold | None


_Settled = LeadOutcome | StoredResponse | None


class LeadIntake:
    """Collects the leads one event loop receives and stores them in groups (one
    transaction each); ``await add(command)`` is the lead's own outcome or error."""

    def __init__(
        self,
        system: Callable[[], RevenueSystem],
        *,
        turns: StoreTurns | None = None,
        window: float = 0.002,
        max_group: int = 500,
        on_loop: bool = False,
    ) -> None:
        self.system = system
        self.turns = turns
        self._groups: WriteGroups[_Arrival | KeyCompletion | KeyRelease, _Settled] = WriteGroups(
            self._store, window=window, max_group=max_group, on_loop=on_loop
        )

    async def add(self, command: AddLead, key: KeyHold | None = None) -> LeadOutcome:
        """Store ``command``'s lead with the others arriving now; its outcome. With ``key``,
        the key is claimed first, in the same group: ``KeyTaken`` if it was claimed before
        (no lead is added)."""
        return cast(LeadOutcome, await self._groups.submit(_Arrival(command, key)))

    async def settle_key(self, operation: KeyCompletion | KeyRelease) -> None:
        """Store the answer to a request whose key a group claimed (or let the key go), with
        the next group's claims - in the same transaction, not one of its own."""
        await self._groups.submit(operation)

    def _store(
        self, items: Sequence[_Arrival | KeyCompletion | KeyRelease]
    ) -> list[_Settled | Exception]:
        turn = None if self.turns is None else self.turns.turn
        results: list[_Settled | Exception] = [None] * len(items)
        # The keys first, in the order they came: the answers to earlier requests and the
        # claims of these; then the leads whose key (if any) is now their own.
        keyed: list[tuple[int, KeyOperation, KeyHold | None]] = []
        leads: list[int] = []
        for i, item in enumerate(items):
            if not isinstance(item, _Arrival):
                keyed.append((i, item, None))
                continue
            leads.append(i)
            if item.key is not None:
                keyed.append((i, item.key.claim, item.key))
        if keyed:
            engine = self.system().engine
            settled = settle_keys(engine, [operation for _, operation, _ in keyed], turn=turn)
            for (i, _, hold), result in zip(keyed, settled, strict=True):
                if hold is None:  # an answer stored, a key let go
                    results[i] = result
                elif result is None:
                    hold.claimed = True
                else:  # taken before, or the claim failed: no lead
                    results[i] = KeyTaken(result) if isinstance(result, StoredResponse) else result
                    leads.remove(i)
        commands = [cast(_Arrival, items[i]).command for i in leads]
        for i, outcome in zip(leads, store_group(self.system, commands, turn=turn), strict=True):
            results[i] = outcome
        return results


def store_group(
    system_of: Callable[[], RevenueSystem],
    commands: Sequence[AddLead],
    *,
    turn: Callable[[], AbstractContextManager[object]] | None = None,
) -> list[LeadOutcome | Exception]:
    """Add ``commands``' leads, one batch per acting user; a batch that fails is added again
    lead by lead, so each lead gets its own outcome or error. ``turn``, when given, is held
    while each batch routes and writes (its leads are scored before), and around each lead
    added alone."""
    system = system_of()
    results: list[LeadOutcome | Exception | None] = [None] * len(commands)
    by_actor: dict[str | None, list[int]] = {}
    for index, command in enumerate(commands):
        by_actor.setdefault(command.requested_by, []).append(index)
    for actor, indexes in by_actor.items():
        try:
            # A group of one too: the batch path decides what add_lead decides (held equal
            # by property tests) in about a third of the time.
            batch = [NewLead(commands[i]) for i in indexes]
            outcomes = add_leads(system, batch, actor=actor, routing_turn=turn)
        except Exception as exc:
            _log.warning(
                "a group of %d leads could not be stored together (%s); storing them one by one",
                len(indexes),
                exc,
            )
            for i in indexes:
                with nullcontext() if turn is None else turn():
                    results[i] = _one(system, commands[i])
            continue
        for i, outcome in zip(indexes, outcomes, strict=True):
            results[i] = outcome
    return [r for r in results if r is not None]


def _one(system: RevenueSystem, command: AddLead) -> LeadOutcome | Exception:
    try:
        return add_lead(system, command)
    except Exception as exc:
        return exc
