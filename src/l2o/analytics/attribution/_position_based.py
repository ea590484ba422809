"""Position-based (U-shaped) attribution: 40 % first, 40 % last, 20 % spread between."""

from __future__ import annotations

import numpy as np

from l2o.analytics.attribution._base import TouchWeightModel
from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._journeys import FloatArray, Journeys

__all__ = ["PositionBased"]


class PositionBased(TouchWeightModel):
    """``first`` to the first touch, ``last`` to the last, the rest split over the middle.

    A one-touch journey gives that touch everything; a two-touch journey splits in the ratio
    ``first : last`` (50/50 by default), since there is no middle to take the remainder.
    """

    name = "position-based"

    def __init__(self, first: float = 0.4, last: float = 0.4) -> None:
        if first < 0 or last < 0 or first + last > 1:
            raise AttributionError(f"position-based: first={first}, last={last} must fit in 1")
        self.first = first
        self.last = last

    def describe(self) -> str:
        return (
            f"{self.first:.0%} of each journey to its first touch, {self.last:.0%} to its "
            f"last, {1 - self.first - self.last:.0%} split over the touches between"
        )

    def touch_weights(self, journeys: Journeys) -> FloatArray:
        length = journeys.lengths[journeys.path_of_touch]
        pos = journeys.position
        is_first, is_last = pos == 0, pos == length - 1
        middle = (1 - self.first - self.last) / np.maximum(length - 2, 1)
        weights = np.where(is_first, self.first, np.where(is_last, self.last, middle))
        ends = self.first + self.last
        pair = np.where(is_first, self.first, self.last) / ends if ends > 0 else 0.5
        weights = np.where(length == 2, pair, weights)
        return np.where(length == 1, 1.0, weights)
