"""The errors forecasting raises."""

from __future__ import annotations

from l2o.errors import L2OError

__all__ = ["ForecastError", "InsufficientEvidence"]


class ForecastError(L2OError):
    """Deal data or a period that forecasting cannot work with; the message says which."""


class InsufficientEvidence(ForecastError):
    """The data lacks what a method needs (stage history, closed deals, probabilities).

    Raised by ``fit`` instead of inventing numbers; the backtest reports it per method.
    """
