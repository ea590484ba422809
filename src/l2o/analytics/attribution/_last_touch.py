"""Last-touch attribution: the journey's last channel gets all the credit."""

from __future__ import annotations

import numpy as np

from l2o.analytics.attribution._base import TouchWeightModel
from l2o.analytics.attribution._journeys import FloatArray, Journeys

__all__ = ["LastTouch"]


class LastTouch(TouchWeightModel):
    """All of a journey's conversions and value to its last touch (what most CRMs report)."""

    name = "last-touch"

    def describe(self) -> str:
        return "each journey's conversions and value go to its last touch"

    def touch_weights(self, journeys: Journeys) -> FloatArray:
        last_position = journeys.lengths[journeys.path_of_touch] - 1
        last: FloatArray = (journeys.position == last_position).astype(np.float64)
        return last
