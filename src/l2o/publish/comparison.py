"""Day 0 against day 90: two assessment snapshots compared per dimension and metric, as HTML.

The comparison is computed elsewhere; this module shows it::

    write_comparison(
        {"before": {"name": "Acme", "created_at": "2025-01-06", "index": 1.4},
         "after": {"name": "Acme", "created_at": "2025-04-07", "index": 2.1},
         "index": {"before": 1.4, "after": 2.1, "change": 0.7},
         "dimensions": {"icp": {"before": 1.0, "after": 2.0, "change": 1.0,
                                "metrics": [{"name": "icp_win_rate_lift", "before": 1.1,
                                             "after": 1.4, "change": 0.3}]}, ...}},
        Path("out"),
    )   # -> out/compare.html

A side that was not measured stays "not measured"; a change is shown only where both were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from l2o.publish import charts
from l2o.publish._reader import ContractReader
from l2o.publish.assessment_view import humanise
from l2o.publish.figures import MINUS, day, is_share, metric_value
from l2o.publish.method import DIMENSION_TITLES, DIMENSIONS, NOT_MEASURED
from l2o.publish.rendering import chart, render

__all__ = [
    "ComparisonView",
    "Moment",
    "Movement",
    "metric_change",
    "render_comparison_html",
    "write_comparison",
]


@dataclass(frozen=True)
class Moment:
    """One snapshot of the comparison: which assessment, when, and its index."""

    name: str | None
    created_at: str | None
    index: float | None


@dataclass(frozen=True)
class Movement:
    """A number before and after, with its change (``None`` unless both were measured)."""

    name: str
    before: float | None
    after: float | None
    change: float | None

    @property
    def label(self) -> str:
        """The name in words (dimension title or metric name)."""
        return DIMENSION_TITLES.get(self.name) or humanise(self.name)


@dataclass(frozen=True)
class DimensionMovement:
    """A dimension's movement and its metrics'."""

    dimension: Movement
    metrics: tuple[Movement, ...]


@dataclass(frozen=True)
class ComparisonView:
    """The comparison as the page reads it."""

    before: Moment
    after: Moment
    index: Movement
    dimensions: tuple[DimensionMovement, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ComparisonView:
        """Read a comparison mapping; raises ``PublishError`` for wrong types."""
        reader = ContractReader()
        root = reader.mapping(data, "comparison") or {}
        dimensions = reader.mapping(root.get("dimensions"), "comparison.dimensions") or {}
        view = cls(
            before=_moment(reader, root.get("before"), "comparison.before"),
            after=_moment(reader, root.get("after"), "comparison.after"),
            index=_movement(reader, "index", root.get("index"), "comparison.index"),
            dimensions=tuple(
                _dimension(reader, key, dimensions.get(key), f"comparison.dimensions.{key}")
                for key in DIMENSIONS
            ),
        )
        reader.raise_problems("comparison")
        return view


def _moment(reader: ContractReader, data: object, path: str) -> Moment:
    moment = reader.mapping(data, path) or {}
    return Moment(
        name=reader.text(moment.get("name"), f"{path}.name"),
        created_at=reader.text(moment.get("created_at"), f"{path}.created_at"),
        index=reader.number(moment.get("index"), f"{path}.index"),
    )


def _movement(reader: ContractReader, name: str, data: object, path: str) -> Movement:
    movement = reader.mapping(data, path) or {}
    before = reader.number(movement.get("before"), f"{path}.before")
    after = reader.number(movement.get("after"), f"{path}.after")
    change = reader.number(movement.get("change"), f"{path}.change")
    if change is None and before is not None and after is not None:
        change = after - before
    return Movement(
        name, before, after, change if before is not None and after is not None else None
    )


def _dimension(reader: ContractReader, key: str, data: object, path: str) -> DimensionMovement:
    dimension = reader.mapping(data, path) or {}
    metrics = []
    for i, item in enumerate(reader.sequence(dimension.get("metrics"), f"{path}.metrics")):
        where = f"{path}.metrics[{i}]"
        metric = reader.mapping(item, where) or {}
        name = reader.text(metric.get("name"), f"{where}.name") or "unnamed metric"
        metrics.append(_movement(reader, name, metric, where))
    return DimensionMovement(_movement(reader, key, dimension, path), tuple(metrics))


def metric_change(name: str, change: float | None) -> str:
    """A metric's change in its unit: shares in percentage points, hours in h.

    >>> metric_change("median_speed_to_lead_hours", 2), metric_change("grr", 0.031)
    ('+2.0 h', '+3.1 pts')
    """
    if change is None:
        return NOT_MEASURED
    sign = "+" if change > 0 else (MINUS if change < 0 else "\u00b1")
    if is_share(name):
        return f"{sign}{abs(change) * 100:.1f} pts"
    magnitude = metric_value(name, abs(change))
    return f"{sign}{magnitude}"


def render_comparison_html(comparison: Mapping[str, Any]) -> str:
    """Day 0 against day 90 as one self-contained HTML page with a before/after chart."""
    view = ComparisonView.from_json(comparison)
    before_label = f"Day 0 ({day(view.before.created_at)})" if view.before.created_at else "Day 0"
    after_label = f"Day 90 ({day(view.after.created_at)})" if view.after.created_at else "Day 90"
    spec = charts.comparison_chart(
        [(d.dimension.label, d.dimension.before, d.dimension.after) for d in view.dimensions],
        before_label,
        after_label,
    )
    return render(
        "compare.html.j2",
        c=view,
        chart=chart(spec),
        before_label=before_label,
        after_label=after_label,
        metric_change=metric_change,
    )


def write_comparison(comparison: Mapping[str, Any], out_dir: Path) -> Path:
    """Write ``compare.html`` to ``out_dir`` (created if missing) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "compare.html"
    path.write_text(render_comparison_html(comparison), encoding="utf-8")
    return path
