"""Checking a spec file without raising: load and lint, and report everything found."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from l2o.errors import SpecError, SpecProblem
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.lint import lint_spec
from l2o.spec.loader import load_spec

__all__ = ["SpecReport", "check_spec"]


@dataclass(frozen=True)
class SpecReport:
    """What checking one spec file found: its errors (invalid) and warnings (gaps)."""

    source: str
    spec: ArchitectureSpec | None
    errors: list[SpecProblem] = field(default_factory=list)
    warnings: list[SpecProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the spec loaded without errors (it may still have warnings)."""
        return not self.errors


def check_spec(path: str | os.PathLike[str]) -> SpecReport:
    """Load and lint the spec at ``path``, collecting problems instead of raising.

    Warnings are only computed for a spec that loads: lint needs a valid spec to reason about.
    """
    source = os.fspath(path)
    try:
        spec = load_spec(path)
    except SpecError as exc:
        return SpecReport(source=source, spec=None, errors=exc.problems)
    return SpecReport(source=source, spec=spec, warnings=lint_spec(spec))
