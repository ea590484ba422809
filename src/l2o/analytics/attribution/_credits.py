"""Credit per channel: what every attribution model produces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.analytics.attribution._journeys import FloatArray

__all__ = ["Credits"]


@dataclass(frozen=True, eq=False)
class Credits:
    """Conversions and value credited to each channel (or campaign), and how.

    ``conversions`` and ``value`` are aligned with ``channels``; ``method`` is one sentence on
    how the credit was computed and ``n_journeys`` / ``n_paths`` how much data it rests on,
    so a number shown to a person can say both.
    """

    model: str
    channels: tuple[str, ...]
    conversions: FloatArray
    value: FloatArray
    n_journeys: float
    n_paths: int
    method: str

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{CHANNEL: {"conversions": ..., "value": ...}}``, largest credit first."""
        order = np.argsort(-self.conversions, kind="stable")
        return {
            self.channels[i]: {
                "conversions": float(self.conversions[i]),
                "value": float(self.value[i]),
            }
            for i in order
        }

    def shares(self) -> FloatArray:
        """Each channel's share of the credited conversions (zeros when nothing converted)."""
        total = self.conversions.sum()
        return self.conversions / total if total > 0 else np.zeros_like(self.conversions)
