"""A metric's value with its definition, its n and how it was computed; a report of many."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

__all__ = ["MetricReport", "MetricValue"]


@dataclass(frozen=True)
class MetricValue:
    """One metric for one group and window, never a bare number.

    ``value`` is ``None`` when the metric was not measured (``reason`` says why: no closed
    deals, no spend data...), never a guess. ``n`` is how many records it was computed from;
    ``parts`` the numerator, denominator and other inputs, so a reader can recompute it.
    ``step`` names the stage or funnel step for metrics that have one per step.
    """

    metric: str
    value: float | None
    unit: str
    n: int
    definition: str
    how: str
    group: str | None = None
    step: str | None = None
    parts: Mapping[str, float] = field(default_factory=dict)
    reason: str = ""

    @property
    def measured(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["parts"] = dict(self.parts)
        return out


@dataclass(frozen=True)
class MetricReport:
    """Every metric computed for one as-of day and window, optionally per group.

    ``start`` is the window's first day and ``end`` its last (both inclusive; ``end`` is
    the as-of day unless a period ends earlier). ``by`` is the grouping (``None``, segment,
    owner, source or period) and ``backend`` the Ibis backend the aggregates ran on.
    """

    as_of: date
    start: date
    end: date
    by: str | None
    backend: str
    values: tuple[MetricValue, ...]

    def get(self, metric: str, group: str | None = None, step: str | None = None) -> MetricValue:
        """The value of ``metric`` for ``group`` (and ``step``); KeyError when absent."""
        for value in self.values:
            if value.metric == metric and value.group == group and value.step == step:
                return value
        raise KeyError(f"no {metric!r} for group {group!r}, step {step!r} in the report")

    def groups(self) -> list[str | None]:
        """The groups in the report, in the order first seen."""
        return list(dict.fromkeys(v.group for v in self.values))

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "by": self.by,
            "backend": self.backend,
            "metrics": [v.to_dict() for v in self.values],
        }
