"""Before and after (pure): two ``assessment.json`` documents side by side, day 0 vs day 90.

::

    comparison = compare_assessments(day0, day90)
    comparison["dimensions"]["pipeline"]["change"]      # +1.25
    comparison["dimensions"]["pipeline"]["metrics"][0]  # name, before, after, change, levels

Scores and metric values are compared as stored, so a change of rubric between the two is
reported in ``notes`` (levels then follow different thresholds).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from l2o.assess.dimensions import DIMENSIONS

__all__ = ["COMPARISON_VERSION", "compare_assessments"]

COMPARISON_VERSION = "1"
"""The version of the comparison's shape (``compare.json``)."""


def compare_assessments(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The day-0 vs day-90 view of two assessment documents, per dimension and metric."""
    notes: list[str] = []
    if before.get("rubric_version") != after.get("rubric_version"):
        notes.append(
            f"rubric {before.get('rubric_version')} vs {after.get('rubric_version')}: levels "
            "follow different thresholds"
        )
    dimensions = {}
    for dimension in DIMENSIONS:
        was = (before.get("dimensions") or {}).get(dimension) or {}
        now = (after.get("dimensions") or {}).get(dimension) or {}
        dimensions[dimension] = {
            **_pair(was.get("score"), now.get("score")),
            "source": {"before": was.get("source"), "after": now.get("source")},
            "metrics": _metrics(was.get("metrics") or [], now.get("metrics") or []),
        }
    return {
        "comparison_version": COMPARISON_VERSION,
        "before": _identity(before),
        "after": _identity(after),
        "index": _pair(before.get("index"), after.get("index")),
        "ai_readiness": _pair(
            _get(before, "ai_readiness", "score"), _get(after, "ai_readiness", "score")
        ),
        "technology": _pair(
            _get(before, "technology", "score"), _get(after, "technology", "score")
        ),
        "data_quality": _pair(
            _get(before, "data_quality", "score"), _get(after, "data_quality", "score")
        ),
        "cost_of_gap": _pair(
            _get(before, "cost_of_gap", "total"), _get(after, "cost_of_gap", "total")
        ),
        "quadrant": {"before": before.get("quadrant"), "after": after.get("quadrant")},
        "revenue_machine": {
            "before": before.get("revenue_machine"),
            "after": after.get("revenue_machine"),
        },
        "dimensions": dimensions,
        "notes": notes,
    }


def _identity(document: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("id", "name", "created_at", "as_of", "rubric_version", "index")
    return {key: document.get(key) for key in keys}


def _get(document: Mapping[str, Any], section: str, key: str) -> Any:
    part = document.get(section)
    return part.get(key) if isinstance(part, Mapping) else None


def _pair(before: Any, after: Any) -> dict[str, Any]:
    change = None
    if isinstance(before, int | float) and isinstance(after, int | float):
        change = after - before
    return {"before": before, "after": after, "change": change}


def _metrics(
    before: list[Mapping[str, Any]], after: list[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    was = {m["name"]: m for m in before}
    now = {m["name"]: m for m in after}
    names = [m["name"] for m in after] + [n for n in was if n not in now]
    rows = []
    for name in names:
        a, b = was.get(name, {}), now.get(name, {})
        rows.append(
            {
                "name": name,
                **_pair(a.get("value"), b.get("value")),
                "level": _pair(a.get("level"), b.get("level")),
                "n": {"before": a.get("n"), "after": b.get("n")},
            }
        )
    return rows
