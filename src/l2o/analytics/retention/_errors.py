"""The error retention analytics raises."""

from __future__ import annotations

from l2o.errors import L2OError

__all__ = ["RetentionError"]


class RetentionError(L2OError):
    """Customer data that churn models cannot work with (too few churns, a missing column,
    a model used before ``fit``); the message says which."""
