"""Writes that requests ask for, made in groups: group commit for the API's event loops.

::

    groups = WriteGroups(write_all, window=0.002)   # write_all(items) -> one result each
    result = await groups.submit(item)              # in a request

A write of its own is one transaction; at hundreds of requests a second the store spends
its time beginning and committing them. ``WriteGroups`` collects the items that arrive
while it waits (``window``, a millisecond or two) or while the previous group is being
written, and hands each group to ``write`` in a worker thread - one group in flight at a
time. ``write`` gives each item its own result or exception, so every request still gets
its own outcome. New leads (``lead_intake``) and idempotency keys (``key_ledger``) are
written this way.

Where a group's write is short and local (SQLite: a file, the worker processes taking turns),
it runs on the event loop's own thread (``on_loop``) instead: the loop waits the millisecond
or two it takes, and the requests arriving meanwhile wait in their sockets and make the next
group. A write in a thread shares the interpreter with the loop, which keeps taking
requests: each time the write waits for the store it waits again for the interpreter, and a
group took 2-3 times its CPU time (and about a tenth more CPU a request in all). A write on
the loop that takes longer than ``slow`` (the store held by someone else: an import's long
transaction, say) sends the groups after it to a thread, so the loop is held up once, not
for every group, until a group written there is quick again.

On SQLite one process writes at a time; the API's worker processes on one host take turns
through a lock file named after the database (``StoreTurns``), so a group waits for the
other's commit instead of for SQLite's busy timeout, which sleeps in steps of up to 100 ms.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Generic, TypeVar

import anyio
from sqlalchemy.engine import Engine

__all__ = ["StoreTurns", "WriteGroups"]

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no turns, the store's versioning decides
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(eq=False)
class _Waiting(Generic[T, R]):
    """An item waiting for its group to be written, and the request awaiting its result."""

    item: T
    result: asyncio.Future[R]


class WriteGroups(Generic[T, R]):
    """Collects the items one event loop receives and writes them in groups with
    ``write`` (in a worker thread, or with ``on_loop`` on the loop's thread while writes
    stay under ``slow`` seconds); ``await submit(item)`` is the item's own result or
    error. ``write`` returns one result or exception per item, in order."""

    def __init__(
        self,
        write: Callable[[list[T]], Sequence[R | Exception]],
        *,
        window: float = 0.002,
        max_group: int = 500,
        on_loop: bool = False,
        slow: float = 0.05,
    ) -> None:
        self.write = write
        self.window = window
        self.max_group = max_group
        self.on_loop = on_loop
        self.slow = slow
        self.in_thread = not on_loop  # where the next group is written
        self._waiting: list[_Waiting[T, R]] = []
        self._writing: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Write ``item`` with the others arriving now; its result."""
        loop = asyncio.get_running_loop()
        if self._writing is not None and self._writing.get_loop() is not loop:
            # The loop that wrote before has gone (a test client's, say): its waiting
            # requests went with it, and its task will not run again.
            self._waiting = [w for w in self._waiting if w.result.get_loop() is loop]
            self._writing = None
        waiting: _Waiting[T, R] = _Waiting(item, loop.create_future())
        self._waiting.append(waiting)
        if self._writing is None or self._writing.done():
            self._writing = loop.create_task(self._write_waiting())
        return await waiting.result

    async def _write_waiting(self) -> None:
        """Write group after group until no item waits (one group in flight at a time:
        what arrives meanwhile makes the next group)."""
        await asyncio.sleep(self.window)
        while self._waiting:
            group = self._waiting[: self.max_group]
            del self._waiting[: self.max_group]
            results: Sequence[R | Exception]
            try:
                results = await self._write([w.item for w in group])
            except Exception as exc:  # nothing could be written: every item fails
                results = [exc] * len(group)
            except BaseException:  # cancelled (the server stops): no request waits forever
                for waiting in group + self._waiting:
                    waiting.result.cancel()
                self._waiting.clear()
                raise
            for waiting, result in zip(group, results, strict=True):
                if waiting.result.done():  # the request went away; its item is written
                    continue
                if isinstance(result, Exception):
                    waiting.result.set_exception(result)
                else:
                    waiting.result.set_result(result)
            if self._waiting:
                await asyncio.sleep(0)  # the answers go out before the next group is written

    async def _write(self, items: list[T]) -> Sequence[R | Exception]:
        """``write(items)`` on the loop or in a thread, as the last writes' times say."""
        started = time.monotonic()
        try:
            if self.in_thread:
                return await anyio.to_thread.run_sync(self.write, items)
            return self.write(items)
        finally:
            # Slow: the next groups go to a thread; quick again there: back on the loop.
            self.in_thread = not self.on_loop or time.monotonic() - started > self.slow


class StoreTurns:
    """Takes turns with the other processes on this host writing into one database: an
    exclusive lock on a file named after the database's URL, in the temporary directory."""

    @classmethod
    def for_store(cls, engine: Engine) -> StoreTurns | None:
        """Turns for the processes writing into ``engine``'s database where they need them
        (SQLite); none on a server, which locks rows itself."""
        return cls(engine) if engine.dialect.name == "sqlite" else None

    def __init__(self, engine: Engine) -> None:
        url = engine.url.render_as_string(hide_password=False)
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        self.path = Path(tempfile.gettempdir()) / f"l2o-writes-{digest}.lock"
        self._threads = threading.Lock()
        self._file: IO[str] | None = None  # opened at the first turn, kept open

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn (waiting for it) while the block runs."""
        with self._threads:
            if fcntl is None:
                yield
                return
            if self._file is None:
                self._file = self.path.open("a")
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)
