"""First-touch attribution: the journey's first channel gets all the credit."""

from __future__ import annotations

import numpy as np

from l2o.analytics.attribution._base import TouchWeightModel
from l2o.analytics.attribution._journeys import FloatArray, Journeys

__all__ = ["FirstTouch"]


class FirstTouch(TouchWeightModel):
    """All of a journey's conversions and value to its first touch.

    >>> from l2o.analytics.attribution import journeys_from_paths
    >>> FirstTouch().fit(journeys_from_paths(["a > b"], [1], [10.0])).credits_.as_dict()
    {'a': {'conversions': 1.0, 'value': 10.0}, 'b': {'conversions': 0.0, 'value': 0.0}}
    """

    name = "first-touch"

    def describe(self) -> str:
        return "each journey's conversions and value go to its first touch"

    def touch_weights(self, journeys: Journeys) -> FloatArray:
        first: FloatArray = (journeys.position == 0).astype(np.float64)
        return first
