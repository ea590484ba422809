"""Linear attribution: every touch of a journey gets an equal share."""

from __future__ import annotations

from l2o.analytics.attribution._base import TouchWeightModel
from l2o.analytics.attribution._journeys import FloatArray, Journeys

__all__ = ["Linear"]


class Linear(TouchWeightModel):
    """An equal share to every touch (a channel touched twice gets two shares)."""

    name = "linear"

    def describe(self) -> str:
        return "each journey's conversions and value are split equally over its touches"

    def touch_weights(self, journeys: Journeys) -> FloatArray:
        return 1.0 / journeys.lengths[journeys.path_of_touch].astype(float)
