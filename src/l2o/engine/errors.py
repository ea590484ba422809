"""What the engine raises when a rule cannot be evaluated at all.

A decision the architecture refuses (a gate not met, a discount over authority) is *not* an
exception: it is a decision with its reasons. The engine raises only when the question itself
is wrong - a rule names a field that does not exist, or a derived field the caller had to
supply is missing - so the caller can fix the call rather than act on a silent guess::

    L2OError
     └── EngineError                 a rule cannot be evaluated as asked
          ├── UnknownFieldError      a rule names a field the record type does not have
          └── MissingFieldError      a derived field (or previous values) was not supplied
"""

from __future__ import annotations

from l2o.errors import L2OError

__all__ = ["EngineError", "MissingFieldError", "UnknownFieldError"]


class EngineError(L2OError):
    """A rule cannot be evaluated as asked (an engine call is wrong, not the record)."""


class UnknownFieldError(EngineError):
    """A rule names a field that neither the record type nor the spec's custom fields have."""

    def __init__(self, record_type: str, field: str, hint: str | None = None) -> None:
        self.record_type = record_type
        self.field = field
        message = f"unknown {record_type} field {field!r}"
        if hint:
            message += f" (did you mean {hint!r}?)"
        super().__init__(message)


class MissingFieldError(EngineError):
    """A derived field, or the previous values ``changed`` needs, was not supplied."""

    def __init__(self, record_type: str, field: str, what: str) -> None:
        self.record_type = record_type
        self.field = field
        super().__init__(f"{record_type} field {field!r}: {what}")
