"""The revenue outcomes report: metrics, the period's forecast, the forecast methods' track
record, attribution and retention, as HTML and PDF, from the plain figures gathered over a
store (``outcomes.json``, made by ``l2o.services.outcomes_report``)::

    paths = write_outcomes_report(figures, Path("out"))  # outcomes.html, .pdf, .json

Every section is a mapping with ``skipped``: ``None``, or the reason the store could not
support it (``insufficient evidence: no stage history``), which the report prints in place
of the section. Charts are the dashboard's (:mod:`l2o.publish.outcome_charts`), rendered to
inline SVG offline; a value that was not measured reads "not measured", never zero.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from l2o.publish.outcome_charts import (
    FUNNEL_METRICS,
    RETENTION_METRICS,
    attribution_chart,
    credit_chart,
    forecast_chart,
    funnel_chart,
    retention_chart,
    stage_conversion_chart,
    track_record_chart,
)
from l2o.publish.rendering import chart, render, write_pdf

__all__ = [
    "OUTCOME_SECTIONS",
    "metric_shown",
    "render_outcomes_html",
    "write_outcomes_report",
]

OUTCOME_SECTIONS = {
    "metrics": "Revenue metrics",
    "forecast": "Forecast",
    "track_record": "Track record of the forecast methods",
    "attribution": "Attribution",
    "retention": "Retention",
}
"""The report's sections in reading order, with their titles."""

HEADLINE_METRICS = (
    "win_rate_count",
    "win_rate_amount",
    "cycle_time",
    "sales_velocity",
    "pipeline_coverage",
    "net_revenue_retention",
    "gross_revenue_retention",
    "expansion_share",
)
"""The metrics the summary and the first table lead with, in this order."""

_NOT_MEASURED = "not measured"


def metric_shown(value: float | None, unit: str) -> str:
    """A metric's value in its unit (ratios as %, ``x`` as a multiple, days, hours,
    money per day); ``None`` reads "not measured"."""
    if value is None:
        return _NOT_MEASURED
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "x":
        return f"{value:.2f}\u00d7"
    if unit == "money/day":
        return f"{value:,.0f} per day"
    if unit in ("days", "hours", "months"):
        return f"{value:,.1f} {unit}"
    return f"{value:,.4g} {unit}".strip()


def _section(figures: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    sections = figures.get("sections") or {}
    return sections.get(name) or {"skipped": "not gathered"}


def _metric_rows(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The whole company's metrics (no group), headline metrics first, each shown."""
    values = [v for v in section.get("metrics", []) if v.get("group") is None]
    rank = {m: i for i, m in enumerate(HEADLINE_METRICS)}
    ordered = sorted(
        enumerate(values), key=lambda iv: (rank.get(iv[1]["metric"], len(rank)), iv[0])
    )
    return [{**v, "shown": metric_shown(v.get("value"), v.get("unit", ""))} for _, v in ordered]


def _metric_charts(section: Mapping[str, Any]) -> dict[str, Any]:
    values = [v for v in section.get("metrics", []) if v.get("group") is None]
    names = {v["metric"] for v in values}
    figures: dict[str, Any] = {}
    if names & set(FUNNEL_METRICS):
        figures["funnel"] = chart(funnel_chart(values))
    if any(v["metric"] == "stage_conversion" and v.get("step") for v in values):
        figures["stages"] = chart(stage_conversion_chart(values))
    if names & set(RETENTION_METRICS):
        figures["retention"] = chart(retention_chart(values))
    return figures


def _share_rows(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The default model's credit per channel with its share, largest first."""
    channels: Mapping[str, Mapping[str, float]] = section.get("channels") or {}
    revenue: Mapping[str, Mapping[str, float]] = section.get("revenue") or {}
    total = sum(c["conversions"] for c in channels.values())
    rows = [
        {
            "channel": name,
            "conversions": credit["conversions"],
            "share": credit["conversions"] / total if total > 0 else None,
            "value": credit["value"],
            "revenue": revenue[name]["value"] if name in revenue else None,
        }
        for name, credit in channels.items()
    ]
    return sorted(rows, key=lambda r: -r["conversions"])


def _charts(figures: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each section's charts as inline SVG (none for a skipped section)."""
    out: dict[str, dict[str, Any]] = {name: {} for name in OUTCOME_SECTIONS}
    metrics = _section(figures, "metrics")
    if not metrics.get("skipped"):
        out["metrics"] = _metric_charts(metrics)
    forecast = _section(figures, "forecast")
    if not forecast.get("skipped") and forecast.get("methods"):
        out["forecast"]["forecast"] = chart(
            forecast_chart(forecast["methods"], str(forecast["period"]))
        )
    record = _section(figures, "track_record")
    if not record.get("skipped") and record.get("scores"):
        out["track_record"]["track_record"] = chart(track_record_chart(record["scores"]))
    attribution = _section(figures, "attribution")
    if not attribution.get("skipped") and attribution.get("channels"):
        out["attribution"]["credit"] = chart(
            credit_chart(
                attribution["channels"], attribution.get("revenue"), model=attribution["model"]
            )
        )
        if attribution.get("models"):
            out["attribution"]["models"] = chart(
                attribution_chart(attribution["models"], default_model=attribution["model"])
            )
    return out


def _summary(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The figures the summary tiles show, ``None`` where not measured."""
    metrics = _section(figures, "metrics")
    by_name = {
        v["metric"]: v
        for v in metrics.get("metrics", [])
        if v.get("group") is None and v.get("step") is None
    }
    forecast = _section(figures, "forecast")
    interval = next(
        (
            {"method": n, **m}
            for n, m in (forecast.get("methods") or {}).items()
            if m.get("p10") is not None and m.get("p90") is not None
        ),
        None,
    )
    record = _section(figures, "track_record")
    return {
        "interval": interval,
        "trusted": record.get("trusted"),
        "win_rate": by_name.get("win_rate_count"),
        "nrr": by_name.get("net_revenue_retention"),
    }


def render_outcomes_html(figures: Mapping[str, Any]) -> str:
    """The outcomes report as one self-contained HTML page (charts inline as SVG)."""
    sections = {name: _section(figures, name) for name in OUTCOME_SECTIONS}
    return render(
        "outcomes.html.j2",
        f=figures,
        s=sections,
        titles=OUTCOME_SECTIONS,
        charts=_charts(figures),
        metric_rows=(rows := _metric_rows(sections["metrics"])),
        definitions={r["metric"]: r.get("definition", "") for r in rows},
        share_rows=_share_rows(sections["attribution"]),
        summary=_summary(figures),
        shown=metric_shown,
    )


def write_outcomes_report(figures: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write ``outcomes.html``, ``outcomes.pdf`` and ``outcomes.json`` (the figures, as
    given) into ``out_dir`` (created if missing); returns their paths in that order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    html = render_outcomes_html(figures)
    paths = [out_dir / "outcomes.html", out_dir / "outcomes.pdf", out_dir / "outcomes.json"]
    paths[0].write_text(html, encoding="utf-8")
    write_pdf(html, paths[1])
    paths[2].write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return paths
