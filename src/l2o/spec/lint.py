"""The spec linter: a valid spec can still have gaps, and each gap costs revenue somewhere.

:func:`lint_spec` returns warnings (severity ``"warning"``), never errors: a thin,
founder-led spec is legitimate, and the warnings are its to-do list. Each warning names the
spec path it is about and a ``rule`` so tools can filter or count them. The rules, by
dimension, live in :mod:`l2o.spec.lint_rules`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from l2o.errors import SpecProblem
from l2o.spec.architecture import SECTIONS, ArchitectureSpec
from l2o.spec.lint_rules import (
    commercial_gaps,
    icp_gaps,
    lifecycle_gaps,
    pipeline_gaps,
    pricing_gaps,
    signals_gaps,
    workflow_gaps,
)

__all__ = ["lint_spec"]

_DIMENSION_NAMES = {
    "icp": "ICP",
    "pipeline": "pipeline qualification",
    "signals": "signal design",
    "commercial": "commercial structure",
    "pricing": "pricing governance",
    "lifecycle": "lifecycle expansion",
    "workflows": "workflows",
}

_RULES: tuple[Callable[[ArchitectureSpec], Iterator[SpecProblem]], ...] = (
    icp_gaps,
    pipeline_gaps,
    signals_gaps,
    commercial_gaps,
    pricing_gaps,
    lifecycle_gaps,
    workflow_gaps,
)


def lint_spec(spec: ArchitectureSpec) -> list[SpecProblem]:
    """Every gap in a valid spec, as warnings in section order.

    >>> from l2o.spec import load_spec
    >>> [w.rule for w in lint_spec(load_spec({"version": 1, "company": {"name": "Acme"}}))][:2]
    ['empty_dimension', 'empty_dimension']
    """
    warnings = list(_empty_dimensions(spec))
    for rule in _RULES:
        warnings.extend(rule(spec))
    return warnings


def _empty_dimensions(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    for section in SECTIONS:
        value = getattr(spec, section)
        if value is None or value.is_empty():
            yield SpecProblem(
                section,
                f"the {_DIMENSION_NAMES[section]} dimension is not defined",
                severity="warning",
                rule="empty_dimension",
                hint=(
                    "nothing is automated: hand-offs and follow-ups rely on memory"
                    if section == "workflows"
                    else "an undefined dimension scores 0 (Absent) on the L2O Index"
                ),
            )
