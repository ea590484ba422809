"""Small measures every metric module shares: a share of a count, a median, a ratio."""

from __future__ import annotations

import numpy as np

from l2o.assess.evidence.facts import FloatArray
from l2o.assess.results import MetricValue

__all__ = ["median_of", "share_of"]


def share_of(name: str, part: int, whole: int) -> MetricValue:
    """``part / whole`` as a metric over ``whole`` records; no value when ``whole`` is 0."""
    if whole <= 0:
        return MetricValue(name, None, 0)
    return MetricValue(name, part / whole, whole)


def median_of(name: str, values: FloatArray, cap: float | None = None) -> MetricValue:
    """The median of ``values`` (capped at ``cap``) over their number; none when empty."""
    if values.size == 0:
        return MetricValue(name, None, 0)
    middle = float(np.median(values))
    if cap is not None:
        middle = min(middle, cap)
    return MetricValue(name, middle, int(values.size))
