"""What every batch use case shares: building many records in one go without the cycle
collector walking them over and over, and their ids made many at a time."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from l2o.domain.base import new_ids

__all__ = ["IdSupply", "collector_paused", "new_ids"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a batch builds what it keeps until it returns.

    A batch holds every record, decision and row it makes until it writes or returns them:
    tens of thousands of live objects, which the collector would otherwise walk again and
    again as they pile up (about a quarter of a batch's time) without ever finding garbage.
    Reference counting still frees everything else; the collector runs again afterwards,
    and stays off if the caller had turned it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class IdSupply:
    """Fresh record ids, one at a time, made a lot at a time with :func:`new_ids`.

    For a batch that makes ids as it goes (one per event published): each id is drawn when
    needed, made at most a few milliseconds before, and never handed out twice. Lots start
    small and double up to ``lot``, so a batch of a few records does not make hundreds.
    """

    def __init__(self, lot: int = 256, first: int = 8) -> None:
        self.lot = lot
        self._next = min(first, lot)
        self._ids: list[str] = []

    def take(self) -> str:
        """The next fresh id."""
        if not self._ids:
            self._ids = new_ids(self._next)
            self._ids.reverse()  # taken from the end, in the order made
            self._next = min(self._next * 2, self.lot)
        return self._ids.pop()
