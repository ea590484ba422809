"""The one way lint rules build a warning."""

from __future__ import annotations

from l2o.errors import SpecProblem

__all__ = ["warning"]


def warning(path: str, message: str, rule: str, hint: str | None = None) -> SpecProblem:
    """A lint finding at ``path``: valid spec, but a gap worth fixing."""
    return SpecProblem(path, message, severity="warning", rule=rule, hint=hint)
