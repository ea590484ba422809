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

Every routed lead writes the one pool-state row, so two groups stored at once (two worker
processes) cannot both commit it as they read it. On PostgreSQL the batch locks that row
when it starts routing (``SELECT ... FOR UPDATE``): another group scores its leads
meanwhile and waits only for the commit before routing from the state left. SQLite has no
such lock - the later group would find the state changed and start again - so there the
worker processes on one host take turns, through a lock file named after the database
(``StoreTurns.for_store``), from the same moment to the commit: a group scores its leads
while the other stores, then waits for the other's commit instead of redoing its work, and
the leads arriving meanwhile join the next group. The store's own versioning keeps the pools
right either way.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlalchemy.engine import Engine

from l2o.domain import AddLead
from l2o.services.bootstrap import RevenueSystem
from l2o.services.leads import LeadOutcome, add_lead
from l2o.services.leads_batch import NewLead, add_leads

__all__ = ["LeadIntake", "StoreTurns", "store_group"]

_log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no turns, the store's versioning decides
    fcntl = None  # type: ignore[assignment]


@dataclass(eq=False)
class _Waiting:
    """A lead waiting for its group to be stored, and the request awaiting its outcome."""

    command: AddLead
    outcome: asyncio.Future[LeadOutcome]


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
    ) -> None:
        self.system = system
        self.turns = turns
        self.window = window
        self.max_group = max_group
        self._waiting: list[_Waiting] = []
        self._storing: asyncio.Task[None] | None = None

    async def add(self, command: AddLead) -> LeadOutcome:
        """Store ``command``'s lead with the others arriving now; its outcome."""
        loop = asyncio.get_running_loop()
        if self._storing is not None and self._storing.get_loop() is not loop:
            # The loop that stored before has gone (a test client's, say): its waiting
            # requests went with it, and its task will not run again.
            self._waiting = [w for w in self._waiting if w.outcome.get_loop() is loop]
            self._storing = None
        waiting = _Waiting(command, loop.create_future())
        self._waiting.append(waiting)
        if self._storing is None or self._storing.done():
            self._storing = loop.create_task(self._store_waiting())
        return await waiting.outcome

    async def _store_waiting(self) -> None:
        """Store group after group until no lead waits (one group in flight at a time:
        what arrives meanwhile makes the next group)."""
        await asyncio.sleep(self.window)
        while self._waiting:
            group = self._waiting[: self.max_group]
            del self._waiting[: self.max_group]
            try:
                results = await anyio.to_thread.run_sync(self._store, [w.command for w in group])
            except Exception as exc:  # the system could not be built: every lead fails
                results = [exc] * len(group)
            except BaseException:  # cancelled (the server stops): no request waits forever
                for waiting in group + self._waiting:
                    waiting.outcome.cancel()
                self._waiting.clear()
                raise
            for waiting, result in zip(group, results, strict=True):
                if waiting.outcome.done():  # the request went away; its lead is stored
                    continue
                if isinstance(result, BaseException):
                    waiting.outcome.set_exception(result)
                else:
                    waiting.outcome.set_result(result)

    def _store(self, commands: Sequence[AddLead]) -> list[LeadOutcome | Exception]:
        return store_group(
            self.system, commands, turn=None if self.turns is None else self.turns.turn
        )


class StoreTurns:
    """Takes turns with the other processes on this host storing leads into one database:
    an exclusive lock on a file named after the database's URL, in the temporary directory.
    """

    @classmethod
    def for_store(cls, engine: Engine) -> StoreTurns | None:
        """Turns for the processes storing into ``engine``'s database where they need them
        (SQLite); none on a server, where the batch locks the pools' state itself."""
        return cls(engine) if engine.dialect.name == "sqlite" else None

    def __init__(self, engine: Engine) -> None:
        url = engine.url.render_as_string(hide_password=False)
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / f"l2o-leads-{digest}.lock"
        self._threads = threading.Lock()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn (waiting for it) while the block runs."""
        with self._threads:
            if fcntl is None:
                yield
                return
            with self.path.open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)


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
