"""Deal history as arrays, and the snapshot of open deals as of any past day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["DealHistory", "Snapshot"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class Snapshot:
    """The open deals as of one day: which deals, their stage, amount and expected close then.

    ``deal`` indexes the history's arrays; ``stage`` codes index ``stages`` (-1 when the data
    has no stage history); ``amount`` and ``expected_close`` are NaN when unknown.
    """

    as_of: float
    deal: IntArray
    stage: IntArray
    amount: FloatArray
    expected_close: FloatArray
    stages: tuple[str, ...]

    @property
    def size(self) -> int:
        return int(self.deal.size)

    @property
    def stage_known(self) -> BoolArray:
        return self.stage >= 0


@dataclass(frozen=True)
class DealHistory:
    """Every deal (created, closed, won, amount, owner, segment) and its stage moves.

    Times are day numbers (days since 1970-01-01 UTC, fractional), NaN when missing. Stage
    events are sorted by deal then time; each carries the stage entered and the deal's amount
    and expected close date at that moment. ``close_changes`` are the expected-close edits
    (slips). ``probabilities`` and ``categories`` map a stage to the win probability (0-1) and
    forecast category the CRM recorded for it, when the source has them.
    """

    ids: ObjectArray
    created: FloatArray
    closed: FloatArray
    won: BoolArray
    amount: FloatArray
    owner: ObjectArray | None
    segment: ObjectArray | None
    stages: tuple[str, ...]
    event_deal: IntArray
    event_time: FloatArray
    event_stage: IntArray
    event_amount: FloatArray
    event_close: FloatArray
    change_deal: IntArray
    change_time: FloatArray
    change_close: FloatArray
    probabilities: Mapping[str, float] = field(default_factory=dict)
    categories: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return int(self.ids.size)

    @property
    def has_stage_history(self) -> bool:
        return bool(self.event_deal.size)

    @property
    def last_day(self) -> float:
        """The latest day the data knows of (its "now")."""
        days = np.concatenate([self.created, self.closed, self.event_time, self.change_time])
        return float(np.nanmax(days))

    def closed_before(self, day: float) -> BoolArray:
        """Deals whose outcome was known on ``day``: the only ones a model may learn from."""
        return np.asarray(self.closed <= day, dtype=bool)

    def won_between(self, start: float, end: float) -> BoolArray:
        """Deals won with a close time in ``[start, end)``."""
        return np.asarray(self.won & (self.closed >= start) & (self.closed < end), dtype=bool)

    def as_of(self, day: float) -> Snapshot:
        """The deals open on ``day`` with their stage, amount and expected close on that day."""
        is_open = (self.created <= day) & ~(self.closed <= day)
        deal = np.flatnonzero(is_open).astype(np.int64)
        stage = np.full(deal.size, -1, dtype=np.int64)
        amount = np.full(deal.size, np.nan)  # a final amount would leak the outcome
        close = np.full(deal.size, np.nan)
        if self.has_stage_history:
            last = _last_before(self.event_deal, self.event_time, day, self.size)[deal]
            has = last >= 0
            stage[has] = self.event_stage[last[has]]
            amount[has] = self.event_amount[last[has]]
            close[has] = self.event_close[last[has]]
            edit = _last_before(self.change_deal, self.change_time, day, self.size)[deal]
            if not self.change_deal.size:
                return Snapshot(day, deal, stage, amount, close, self.stages)
            edited = self.change_time[np.maximum(edit, 0)]
            moved = self.event_time[np.maximum(last, 0)]
            later = (edit >= 0) & (~has | (edited >= moved))
            close[later] = self.change_close[edit[later]]
        return Snapshot(day, deal, stage, amount, close, self.stages)

    def stage_reached(self, deals: BoolArray) -> tuple[IntArray, IntArray]:
        """Unique (deal, stage) pairs for the deals in the mask: which stages each passed."""
        keep = deals[self.event_deal]
        pairs = np.unique(self.event_deal[keep] * (len(self.stages) + 1) + self.event_stage[keep])
        return pairs // (len(self.stages) + 1), pairs % (len(self.stages) + 1)


def _last_before(deal: IntArray, time: FloatArray, day: float, n: int) -> IntArray:
    """Per deal, the index of its last event at or before ``day`` (-1 when none).

    Events are sorted by deal then time, so a later index of the same deal is a later event.
    """
    out = np.full(n, -1, dtype=np.int64)
    index = np.flatnonzero(time <= day)
    if index.size:
        owners = deal[index]
        last = np.r_[owners[1:] != owners[:-1], True]
        out[owners[last]] = index[last]
    return out
