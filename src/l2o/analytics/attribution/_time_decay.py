"""Time-decay attribution: touches nearer the end of the journey get more credit."""

from __future__ import annotations

import numpy as np

from l2o.analytics.attribution._base import TouchWeightModel
from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._journeys import FloatArray, Journeys

__all__ = ["TimeDecay"]

DAY = 86_400.0


class TimeDecay(TouchWeightModel):
    """Each touch weighted ``2 ** (-age / half_life)``, normalised within its journey.

    ``age`` is measured back from the journey's last touch: in days (``half_life_days``) when
    the journeys carry touch times, else in touches (``half_life_touches``), as for the
    aggregated path format.
    """

    name = "time-decay"

    def __init__(self, half_life_days: float = 7.0, half_life_touches: float = 1.0) -> None:
        if half_life_days <= 0 or half_life_touches <= 0:
            raise AttributionError("time-decay: half lives must be positive")
        self.half_life_days = half_life_days
        self.half_life_touches = half_life_touches

    def describe(self) -> str:
        return (
            f"each touch weighted by half-life decay back from the journey's last touch "
            f"({self.half_life_days:g} days with touch times, else {self.half_life_touches:g} "
            "touches), shares normalised per journey"
        )

    def touch_weights(self, journeys: Journeys) -> FloatArray:
        path = journeys.path_of_touch
        last = journeys.offsets[1:] - 1
        if journeys.times is not None:
            times = journeys.times
            age = (times[last][path] - times) / DAY / self.half_life_days
        else:
            age = (last[path] - np.arange(len(path))) / self.half_life_touches
        raw = np.exp2(-np.maximum(age, 0.0))
        return raw / np.bincount(path, weights=raw)[path]
