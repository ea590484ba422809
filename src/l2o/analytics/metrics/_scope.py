"""What one computation of the metrics is about: tables, window, grouping and the inputs
that the store does not hold (a pipeline target, spend, gross margin, stage order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from l2o.analytics.metrics._definitions import DEFINITIONS
from l2o.analytics.metrics._tables import RevenueTables
from l2o.analytics.metrics._values import MetricValue
from l2o.analytics.metrics._window import Window

__all__ = ["Scope"]


@dataclass(frozen=True)
class Scope:
    """One window of one computation; ``by`` is a column of the facts (segment, owner,
    source) or ``None``; ``label`` is the group every value gets when the caller splits by
    period instead."""

    tables: RevenueTables
    window: Window
    by: str | None = None
    label: str | None = None
    target: float | None = None
    spend: float | None = None
    gross_margin: float | None = None
    stages: tuple[str, ...] | None = None

    @property
    def span(self) -> str:
        """The window and as-of day, as ``how`` texts quote them."""
        w = self.window
        return f"{w.start}..{w.end}, as of {w.as_of} ({self.tables.backend})"

    def value(
        self,
        metric: str,
        value: float | None,
        n: int,
        how: str,
        *,
        group: str | None = None,
        step: str | None = None,
        parts: Mapping[str, float] | None = None,
        reason: str = "",
    ) -> MetricValue:
        """A :class:`MetricValue` of ``metric`` with its definition; ``value`` None means
        not measured, and ``reason`` (or ``how``) says why."""
        definition = DEFINITIONS[metric]
        if value is None and not reason:
            reason = "not measured: " + how
        return MetricValue(
            metric=metric,
            value=None if value is None else float(value),
            unit=definition.unit,
            n=int(n),
            definition=definition.text,
            how=how,
            group=group if group is not None else self.label,
            step=step,
            parts=dict(parts or {}),
            reason=reason,
        )


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when there is nothing to divide by."""
    return float(numerator) / float(denominator) if denominator else None
