"""Write groups: items arriving together are written together, each with its own result;
on the event loop's thread where asked, in a worker thread after a write that was slow."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa

from l2o.entrypoints.api.grouping import StoreTurns, WriteGroups


class _Store:
    """A write that records each group, the thread it ran on, and fails odd numbers."""

    def __init__(self, pause: float = 0.0) -> None:
        self.groups: list[list[int]] = []
        self.threads: list[int] = []
        self.pause = pause

    def write(self, items: list[int]) -> Sequence[int | Exception]:
        self.groups.append(items)
        self.threads.append(threading.get_ident())
        time.sleep(self.pause)
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]


async def _submit_together(groups: WriteGroups[int, int], items: range) -> list[object]:
    return list(await asyncio.gather(*(groups.submit(i) for i in items), return_exceptions=True))


def test_items_submitted_together_are_one_group_each_with_its_own_result() -> None:
    for on_loop in (False, True):
        store = _Store()
        groups: WriteGroups[int, int] = WriteGroups(store.write, on_loop=on_loop)

        results = asyncio.run(_submit_together(groups, range(6)))

        assert store.groups == [[0, 1, 2, 3, 4, 5]]
        assert results[0::2] == [0, 20, 40]
        assert [str(r) for r in results[1::2]] == ["odd 1", "odd 3", "odd 5"]


def test_groups_are_written_on_the_loop_thread_only_when_asked() -> None:
    async def write_where(on_loop: bool) -> tuple[int, int]:
        store = _Store()
        groups: WriteGroups[int, int] = WriteGroups(store.write, on_loop=on_loop)
        await groups.submit(2)
        return threading.get_ident(), store.threads[0]

    loop_thread, writer = asyncio.run(write_where(on_loop=True))
    assert writer == loop_thread
    loop_thread, writer = asyncio.run(write_where(on_loop=False))
    assert writer != loop_thread


def test_a_slow_write_on_the_loop_sends_the_next_groups_to_a_thread_until_one_is_quick() -> None:
    async def scenario() -> tuple[int, list[int], list[bool]]:
        store = _Store(pause=0.03)
        groups: WriteGroups[int, int] = WriteGroups(store.write, on_loop=True, slow=0.02)
        where: list[bool] = []
        await groups.submit(0)  # slow, on the loop
        where.append(groups.in_thread)
        await groups.submit(2)  # slow, in a thread
        where.append(groups.in_thread)
        store.pause = 0.0
        await groups.submit(4)  # quick, in a thread
        where.append(groups.in_thread)
        await groups.submit(6)  # back on the loop
        return threading.get_ident(), store.threads, where

    loop_thread, threads, where = asyncio.run(scenario())

    assert where == [True, True, False]
    assert [t == loop_thread for t in threads] == [True, False, False, True]


def test_processes_writing_into_one_store_take_turns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    mine = StoreTurns(sa.create_engine(url))
    theirs = StoreTurns(sa.create_engine(url))  # another process's: its own lock file handle
    taken: list[float] = []

    def take_theirs() -> None:
        with theirs.turn():
            taken.append(time.monotonic())

    for _ in range(2):  # a turn is taken again and again, not only once
        with mine.turn():
            other = threading.Thread(target=take_theirs)
            other.start()
            time.sleep(0.1)
            assert taken == []  # theirs waits while mine is held
            released = time.monotonic()
        other.join(timeout=5)
        assert len(taken) == 1
        assert taken.pop() >= released
