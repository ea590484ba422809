"""Time and randomness: the simulated window, calendar arithmetic, and seeded streams.

The history always starts on 2023-01-01 UTC (never "today"), so a seed gives the same
company whenever it runs. Each part of the company draws from its own stream derived from
the seed and the part's name, so adding a part never shifts the numbers of another.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

__all__ = ["DAY", "Window", "add_months", "quarter_days_left", "stream"]

DAY = 86_400
_EPOCH_START = np.datetime64("2023-01-01", "s")


def stream(seed: int, part: str) -> np.random.Generator:
    """The random generator for one named part of the company (e.g. ``"leads"``)."""
    key = zlib.crc32(part.encode("ascii"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


@dataclass(frozen=True)
class Window:
    """The simulated history: ``months`` calendar months from ``start`` (seconds, UTC)."""

    start: int
    end: int
    months: int

    @classmethod
    def of_months(cls, months: int) -> Window:
        """The window of ``months`` months starting 2023-01-01."""
        first = _EPOCH_START.astype("datetime64[M]")
        end = (first + months).astype("datetime64[s]")
        return cls(int(_EPOCH_START.astype(np.int64)), int(end.astype(np.int64)), months)

    def month_starts(self) -> np.ndarray:
        """Start of each month in the window, in seconds (``months + 1`` values, last = end)."""
        first = _EPOCH_START.astype("datetime64[M]")
        return np.asarray((first + np.arange(self.months + 1)).astype("datetime64[s]"), np.int64)


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Calendar days (since the epoch) plus whole months, keeping the day of the month."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = d - month.astype("datetime64[D]")
    shifted = (month + np.asarray(months)).astype("datetime64[D]") + day_of_month
    return np.asarray(shifted, dtype=np.int64)


def quarter_days_left(seconds: np.ndarray) -> np.ndarray:
    """Days from each moment to the end of its calendar quarter (0 on the last day)."""
    month = seconds.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    next_quarter = (month // 3 + 1) * 3
    quarter_end = next_quarter.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return np.asarray(quarter_end - 1 - seconds // DAY, dtype=np.int64)
