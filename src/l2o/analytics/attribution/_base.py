"""The estimator API shared by attribution models, and the per-touch weighting of heuristics."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Self

from l2o.analytics.attribution._credits import Credits
from l2o.analytics.attribution._journeys import FloatArray, Journeys, sum_by

__all__ = ["AttributionModel", "TouchWeightModel"]


class AttributionModel(ABC):
    """An attribution model: ``__init__`` stores parameters, ``fit`` learns ``credits_``.

    After ``fit(journeys)`` (which returns the model) ``credits_`` holds a :class:`Credits`
    with conversions and value per channel; both sum to the journeys' totals.
    """

    name: ClassVar[str]
    credits_: Credits

    def fit(self, journeys: Journeys) -> Self:
        """Credit the journeys' conversions and value to their channels."""
        conversions, value = self._credit(journeys)
        self.credits_ = Credits(
            model=self.name,
            channels=journeys.channels,
            conversions=conversions,
            value=value,
            n_journeys=journeys.n_journeys,
            n_paths=journeys.n_paths,
            method=self.describe(),
        )
        return self

    @abstractmethod
    def describe(self) -> str:
        """One sentence: how this model turns journeys into credit."""

    @abstractmethod
    def _credit(self, journeys: Journeys) -> tuple[FloatArray, FloatArray]:
        """Conversions and value per channel."""

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.endswith("_"))
        return f"{type(self).__name__}({params})"


class TouchWeightModel(AttributionModel):
    """A rule that gives each touch a share of its journey's outcome (shares sum to 1)."""

    @abstractmethod
    def touch_weights(self, journeys: Journeys) -> FloatArray:
        """Each touch's share of its journey's outcome."""

    def _credit(self, journeys: Journeys) -> tuple[FloatArray, FloatArray]:
        weights = self.touch_weights(journeys)
        path = journeys.path_of_touch
        k = len(journeys.channels)
        conversions = sum_by(journeys.touches, weights * journeys.conversions[path], k)
        value = sum_by(journeys.touches, weights * journeys.value[path], k)
        return conversions, value
