"""Journeys as arrays: the one representation every attribution model reads.

A set of journeys is a ragged array of touches (channel codes, one run per path, cut by
``offsets``) with per-path outcome counts. A path row stands for ``conversions + nulls``
journeys that took that path, which is how the aggregated path format counts them and how a
million raw journeys collapse to a few thousand distinct paths before any model runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from l2o.analytics.attribution._errors import AttributionError

__all__ = ["Journeys", "sum_by"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def sum_by(codes: IntArray, weights: npt.ArrayLike, n: int) -> FloatArray:
    """``out[i]`` = the sum of ``weights`` where ``codes == i``, for ``i < n``."""
    return np.bincount(codes, weights=weights, minlength=n).astype(np.float64, copy=False)


@dataclass(frozen=True, eq=False)
class Journeys:
    """Customer journeys, encoded: channel index sequences with offsets, and outcomes per path.

    ``touches[offsets[i]:offsets[i + 1]]`` are path ``i``'s channel codes in time order (codes
    index ``channels``); ``conversions``, ``value`` and ``nulls`` are per path. Optional per
    touch: ``times`` (seconds since the epoch) and ``campaign_touches`` (codes into
    ``campaigns``); optional per path: ``milestones``, the position of the touch that
    created the lead (used by the W-shaped model). ``excluded`` counts what the builder left
    out and why, so nothing disappears silently.

    Build one with :func:`journeys_from_paths` or :func:`journeys_from_touchpoints`.
    """

    channels: tuple[str, ...]
    offsets: IntArray
    touches: IntArray
    conversions: FloatArray
    value: FloatArray
    nulls: FloatArray
    times: FloatArray | None = None
    campaigns: tuple[str, ...] | None = None
    campaign_touches: IntArray | None = None
    milestones: IntArray | None = None
    source: str = "journeys"
    excluded: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.offsets) - 1
        if n < 0 or self.offsets[0] != 0 or self.offsets[-1] != len(self.touches):
            raise AttributionError("journeys: offsets must start at 0 and end at len(touches)")
        if np.any(np.diff(self.offsets) < 1):
            raise AttributionError("journeys: every path needs at least one touch")
        for name in ("conversions", "value", "nulls"):
            column = getattr(self, name)
            if len(column) != n:
                raise AttributionError(f"journeys: {name} has {len(column)} rows, paths {n}")
            if np.any(column < 0) or not np.all(np.isfinite(column)):
                raise AttributionError(f"journeys: {name} must be finite and not negative")
        if len(self.touches) and (
            self.touches.min() < 0 or self.touches.max() >= len(self.channels)
        ):
            raise AttributionError("journeys: a touch code is outside the channel list")

    @property
    def n_paths(self) -> int:
        """Distinct path rows."""
        return len(self.offsets) - 1

    @property
    def n_journeys(self) -> float:
        """Journeys the paths stand for: conversions plus nulls."""
        return float(self.conversions.sum() + self.nulls.sum())

    @property
    def lengths(self) -> IntArray:
        """Touches per path."""
        return np.diff(self.offsets)

    @property
    def path_of_touch(self) -> IntArray:
        """For each touch, the index of its path."""
        return np.repeat(np.arange(self.n_paths, dtype=np.int64), self.lengths)

    @property
    def position(self) -> IntArray:
        """For each touch, its 0-based position within its path."""
        return np.arange(len(self.touches), dtype=np.int64) - np.repeat(
            self.offsets[:-1], self.lengths
        )

    def with_outcome(
        self, conversions: npt.ArrayLike, value: npt.ArrayLike, nulls: npt.ArrayLike
    ) -> Journeys:
        """The same paths scored on another outcome (pipeline created, revenue won, ...)."""
        return replace(
            self,
            conversions=np.asarray(conversions, dtype=np.float64),
            value=np.asarray(value, dtype=np.float64),
            nulls=np.asarray(nulls, dtype=np.float64),
        )

    def by_campaign(self) -> Journeys:
        """The same journeys with campaigns in place of channels, for credit per campaign."""
        if self.campaigns is None or self.campaign_touches is None:
            raise AttributionError(f"{self.source}: the journeys carry no campaigns")
        if np.any(self.campaign_touches < 0):
            raise AttributionError(
                f"{self.source}: {int((self.campaign_touches < 0).sum())} touches have no "
                "campaign; credit per campaign needs one on every touch"
            )
        return replace(
            self,
            channels=self.campaigns,
            touches=self.campaign_touches,
            campaigns=None,
            campaign_touches=None,
        )
