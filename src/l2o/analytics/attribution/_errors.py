"""The error attribution raises on bad input."""

from __future__ import annotations

from l2o.errors import L2OError

__all__ = ["AttributionError"]


class AttributionError(L2OError):
    """Journeys or model parameters that attribution cannot work with; the message says which."""
