"""W-shaped attribution: 30 % each to first touch, lead-creation touch and last touch."""

from __future__ import annotations

import numpy as np

from l2o.analytics.attribution._base import TouchWeightModel
from l2o.analytics.attribution._journeys import FloatArray, Journeys

__all__ = ["WShaped"]


class WShaped(TouchWeightModel):
    """30 % to the first touch, 30 % to the milestone touch, 30 % to the last, 10 % between.

    The milestone is the touch that created (or qualified) the lead: the last touch at or
    before ``Journeys.milestones`` when the journeys carry it, else the middle touch
    (position ``(n - 1) // 2``). It is kept off the first and last touch. Journeys of one,
    two or three touches split equally (there are not three distinct key touches).
    """

    name = "w-shaped"

    def describe(self) -> str:
        return (
            "30% of each journey to its first touch, 30% to the lead-creation touch (else the "
            "middle touch), 30% to its last touch, 10% split over the others"
        )

    def touch_weights(self, journeys: Journeys) -> FloatArray:
        path = journeys.path_of_touch
        length = journeys.lengths[path]
        pos = journeys.position
        key = (journeys.lengths - 1) // 2
        if journeys.milestones is not None:
            key = np.where(journeys.milestones >= 0, journeys.milestones, key)
        key = np.clip(key, 1, np.maximum(journeys.lengths - 2, 1))[path]
        is_key = (pos == 0) | (pos == length - 1) | (pos == key)
        weights = np.where(is_key, 0.3, 0.1 / np.maximum(length - 3, 1))
        return np.where(length <= 3, 1.0 / length, weights)
