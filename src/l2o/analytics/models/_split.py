"""The time-ordered split: learn from the past, be judged on the future.

A cutoff day is chosen so that about ``test_share`` of the labelled records are scored on or
after it: those form the hold-out. The training records are those whose outcome was *known*
by the cutoff - not merely scored before it - so no label learned from comes from after the
hold-out began. Records scored before the cutoff whose outcome came after it belong to
neither side (a model trained on the cutoff day could not have known them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.analytics.models._errors import ModelError
from l2o.analytics.models._features import Examples, IntArray

__all__ = ["TimeSplit", "time_ordered_split"]


@dataclass(frozen=True)
class TimeSplit:
    """Training and hold-out rows (indices into the examples) and the cutoff day between."""

    cutoff: float
    train: IntArray
    test: IntArray
    left_out: int

    def describe(self) -> str:
        """One line: the cutoff and how many records on each side."""
        day = np.datetime64(int(self.cutoff), "D")
        return (
            f"trained on {self.train.size} outcomes known by {day}, tested on {self.test.size} "
            f"records scored from {day} on ({self.left_out} straddling the cutoff left out)"
        )


def time_ordered_split(examples: Examples, test_share: float = 0.25) -> TimeSplit:
    """Split labelled examples at the day after which ``test_share`` of them were scored.

    Raises :class:`ModelError` when there are fewer than 10 labelled examples on a side.
    """
    if not 0.0 < test_share < 1.0:
        raise ModelError(f"{examples.task.name}: test share {test_share} must be between 0 and 1")
    labelled = examples.labelled
    if labelled.sum() < 20:
        raise ModelError(
            f"{examples.task.name}: {int(labelled.sum())} known outcomes, too few to split"
        )
    cutoff = float(np.quantile(examples.scored_at[labelled], 1.0 - test_share))
    train = labelled & (examples.label_known_at <= cutoff)
    test = labelled & (examples.scored_at >= cutoff)
    if train.sum() < 10 or test.sum() < 10:
        raise ModelError(
            f"{examples.task.name}: the split at day {cutoff:.0f} leaves {int(train.sum())} "
            f"training and {int(test.sum())} hold-out outcomes (needs 10 each)"
        )
    return TimeSplit(
        cutoff=cutoff,
        train=np.flatnonzero(train).astype(np.int64),
        test=np.flatnonzero(test).astype(np.int64),
        left_out=int((labelled & ~train & ~test).sum()),
    )
