"""Attribution models by name, and the default."""

from __future__ import annotations

from typing import Any

from l2o.analytics.attribution._base import AttributionModel
from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._first_touch import FirstTouch
from l2o.analytics.attribution._last_touch import LastTouch
from l2o.analytics.attribution._linear import Linear
from l2o.analytics.attribution._markov import Markov
from l2o.analytics.attribution._position_based import PositionBased
from l2o.analytics.attribution._shapley import Shapley
from l2o.analytics.attribution._time_decay import TimeDecay
from l2o.analytics.attribution._w_shaped import WShaped

__all__ = ["DEFAULT_MODEL", "MODELS", "make_model"]

MODELS: dict[str, type[AttributionModel]] = {
    m.name: m
    for m in (FirstTouch, LastTouch, Linear, TimeDecay, PositionBased, WShaped, Markov, Shapley)
}
"""Every model, by the name the CLI and reports use."""

DEFAULT_MODEL = "shapley"
"""The model that scored closest to the simulator's true channel effects (docs/validation.md)."""


def make_model(name: str, **params: Any) -> AttributionModel:
    """A model by name (``"markov"``, ``"shapley"``, ...) with its parameters."""
    try:
        model = MODELS[name]
    except KeyError:
        raise AttributionError(
            f"unknown attribution model {name!r}; choose one of {', '.join(MODELS)}"
        ) from None
    return model(**params)
