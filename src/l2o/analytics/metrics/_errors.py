"""The error metrics raise on bad input."""

from __future__ import annotations

from l2o.errors import L2OError

__all__ = ["MetricsError"]


class MetricsError(L2OError):
    """A date, period, grouping or table that metrics cannot work with; the message says which."""
