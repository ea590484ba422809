"""The report's charts as Vega-Lite specs (built with Altair) and their SVG (vl-convert).

Every chart is a plain Vega-Lite dict first, so the HTML and the PDF draw the same thing and a
test can read the data it shows; :func:`svg` renders it offline (no network, no CDN)::

    spec = index_chart(2.4)
    markup = svg(spec)          # '<svg ...>' with one mark per data point

Missing values are left out of a chart (never drawn as zero) and named in its labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import altair as alt
import vl_convert

from l2o.publish.figures import money_short, score
from l2o.publish.method import (
    ARCHITECTURE_SPLIT,
    MAX_LEVEL,
    REVENUE_MACHINE_AT,
    SECTOR_AVERAGE,
)

__all__ = [
    "FONT",
    "comparison_chart",
    "cost_chart",
    "index_chart",
    "quadrant_chart",
    "radar_chart",
    "svg",
]

FONT = "DejaVu Sans"
"""The charts' font: the same family as the report's text."""

INK = "#1f2a37"
MUTED = "#6b7280"
GRID = "#d1d5db"
SAID = "#d97706"
SHOWN = "#1d4ed8"
ACCENT = "#0f766e"

Spec = dict[str, Any]


def svg(spec: Mapping[str, Any]) -> str:
    """The SVG markup of a Vega-Lite spec, rendered offline."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    version = major_minor if major_minor in vl_convert.get_vegalite_versions() else None
    return str(vl_convert.vegalite_to_svg(dict(spec), vl_version=version, allowed_base_urls=[]))


def _finish(chart: alt.TopLevelMixin, description: str) -> Spec:
    configured = chart.properties(description=description, background="white")
    configured = configured.configure(font=FONT).configure_view(stroke=None)
    configured = configured.configure_axis(
        labelColor=INK, titleColor=INK, gridColor="#eef0f3", domainColor=GRID, tickColor=GRID
    )
    return dict(configured.to_dict())


def _data(rows: Sequence[Mapping[str, Any]]) -> alt.Data:
    return alt.Data(values=[dict(r) for r in rows])  # type: ignore[no-untyped-call]


def index_chart(index: float | None, width: int = 460) -> Spec:
    """The index on 0-4 against the sector average (1.6) and the Revenue Machine line (3.0)."""
    scale = alt.Scale(domain=[0, MAX_LEVEL], nice=False)
    track = (
        alt.Chart(_data([{"from": 0, "to": MAX_LEVEL}]))
        .mark_bar(color="#eef0f3", height=26)
        .encode(
            x=alt.X(
                "from:Q", scale=scale, axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d", title=None)
            ),
            x2="to:Q",
        )
    )
    references = [
        {"at": SECTOR_AVERAGE, "label": f"Sector average {SECTOR_AVERAGE:.1f}"},
        {"at": REVENUE_MACHINE_AT, "label": f"Revenue Machine {REVENUE_MACHINE_AT:.1f}"},
    ]
    rules = (
        alt.Chart(_data(references))
        .mark_rule(color=INK, strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x=alt.X("at:Q", scale=scale))
    )
    rule_labels = (
        alt.Chart(_data(references))
        .mark_text(dy=-24, fontSize=11, color=INK)
        .encode(x=alt.X("at:Q", scale=scale), text="label:N")
    )
    layers: list[alt.Chart] = [track, rules, rule_labels]
    if index is None:
        layers.append(
            alt.Chart(_data([{"at": 0.08, "label": "Index not measured"}]))
            .mark_text(align="left", fontSize=12, color=MUTED, fontStyle="italic")
            .encode(x=alt.X("at:Q", scale=scale), text="label:N")
        )
    else:
        colour = ACCENT if index >= REVENUE_MACHINE_AT else SHOWN
        company = [{"from": 0, "index": index, "label": f"Index {index:.1f}"}]
        layers += [
            alt.Chart(_data(company))
            .mark_bar(color=colour, height=14)
            .encode(
                x=alt.X("from:Q", scale=scale),
                x2="index:Q",
                tooltip=[alt.Tooltip("index:Q", format=".1f")],
            ),
            alt.Chart(_data(company))
            .mark_text(align="left", dx=6, fontSize=11, fontWeight="bold", color=colour)
            .encode(x=alt.X("index:Q", scale=scale), text="label:N"),
        ]
    chart = alt.layer(*layers).properties(width=width, height=44)
    return _finish(chart, "L2O Index against the sector average and the Revenue Machine line")


def _angle(position: int, count: int) -> float:
    """Spoke angle: the first dimension at the top, then clockwise."""
    return math.pi / 2 - 2 * math.pi * position / count


def radar_chart(
    dimensions: Sequence[tuple[str, float | None, float | None]], size: int = 300
) -> Spec:
    """Said (questionnaire) against shown (data) on one spoke per dimension, 0-4.

    ``dimensions`` is ``(title, said, shown)`` per dimension. Vega-Lite has no radar mark, so
    the polygon corners are computed here; an edge is drawn only between two measured corners,
    and a dimension's label says which side is not measured.
    """
    count = len(dimensions)
    reach = MAX_LEVEL + 0.35
    x_span, y_span = 8.6, 5.9
    x_scale = alt.Scale(domain=[-x_span, x_span], nice=False, zero=False)
    y_scale = alt.Scale(domain=[-y_span, y_span], nice=False, zero=False)
    hidden = None

    def xy(position: int, radius: float) -> tuple[float, float]:
        angle = _angle(position, count)
        return round(radius * math.cos(angle), 6), round(radius * math.sin(angle), 6)

    rings = [
        {"ring": ring, "order": i, "x": xy(i % count, ring)[0], "y": xy(i % count, ring)[1]}
        for ring in range(1, MAX_LEVEL + 1)
        for i in range(count + 1)
    ]
    spokes = [
        {"x": 0.0, "y": 0.0, "x2": xy(i, MAX_LEVEL)[0], "y2": xy(i, MAX_LEVEL)[1]}
        for i in range(count)
    ]
    ring_labels = [{"x": 0.12, "y": r, "label": str(r)} for r in range(1, MAX_LEVEL + 1)]
    labels: dict[Literal["left", "center", "right"], list[dict[str, Any]]] = {
        "left": [],
        "center": [],
        "right": [],
    }
    for i, (title, said, shown) in enumerate(dimensions):
        x, y = xy(i, reach)
        align: Literal["left", "center", "right"] = (
            "center" if abs(x) < 0.3 else ("left" if x > 0 else "right")
        )
        text = f"{title}\nsaid {_short(said)} · shown {_short(shown)}"
        labels[align].append(
            {"x": x, "y": y + (0.5 if y > 0.3 else -0.5 if y < -0.3 else 0), "label": text}
        )

    series = (("Said (questionnaire)", 1, SAID), ("Shown (data)", 2, SHOWN))
    points, edges = [], []
    for name, column, _ in series:
        values = [row[column] for row in dimensions]
        for i, value in enumerate(values):
            if value is None:
                continue
            x, y = xy(i, float(value))
            points.append(
                {"series": name, "dimension": dimensions[i][0], "score": value, "x": x, "y": y}
            )
            following = values[(i + 1) % count]
            if following is not None and count > 1:
                nx, ny = xy((i + 1) % count, float(following))
                edges += [
                    {"series": name, "edge": f"{name}-{i}", "order": 0, "x": x, "y": y},
                    {"series": name, "edge": f"{name}-{i}", "order": 1, "x": nx, "y": ny},
                ]

    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=[s[0] for s in series], range=[s[2] for s in series]),
        legend=alt.Legend(title=None, orient="bottom", labelFontSize=11, symbolStrokeWidth=3),
    )
    x_enc = alt.X("x:Q", scale=x_scale, axis=hidden)
    y_enc = alt.Y("y:Q", scale=y_scale, axis=hidden)
    layers: list[alt.Chart] = [
        alt.Chart(_data(rings))
        .mark_line(color=GRID, strokeWidth=1)
        .encode(x=x_enc, y=y_enc, detail="ring:N", order="order:Q"),
        alt.Chart(_data(spokes))
        .mark_rule(color=GRID, strokeWidth=1)
        .encode(x=x_enc, y=y_enc, x2="x2:Q", y2="y2:Q"),
        alt.Chart(_data(ring_labels))
        .mark_text(align="left", dy=-5, fontSize=9, color=MUTED)
        .encode(x=x_enc, y=y_enc, text="label:N"),
    ]
    for align, rows in labels.items():
        if rows:
            layers.append(
                alt.Chart(_data(rows))
                .mark_text(align=align, fontSize=10.5, color=INK, lineBreak="\n", lineHeight=13)
                .encode(x=x_enc, y=y_enc, text="label:N")
            )
    if edges:
        layers.append(
            alt.Chart(_data(edges))
            .mark_line(strokeWidth=2.5)
            .encode(x=x_enc, y=y_enc, color=colour, detail="edge:N", order="order:Q")
        )
    if points:
        layers.append(
            alt.Chart(_data(points))
            .mark_point(filled=True, size=70, opacity=1)
            .encode(
                x=x_enc,
                y=y_enc,
                color=colour,
                tooltip=["series:N", "dimension:N", alt.Tooltip("score:Q", format=".1f")],
            )
        )
    width = round(size * x_span / y_span)
    chart = alt.layer(*layers).properties(width=width, height=size)
    return _finish(chart, "Said against shown, per dimension (0-4)")


def _short(value: float | None) -> str:
    """A score for a chart label: one decimal, or a dash when not measured."""
    return "—" if value is None else score(value)


def quadrant_chart(
    index: float | None,
    technology: float | None,
    quadrant: str | None,
    company: str | None = None,
    size: int = 300,
) -> Spec:
    """Architecture maturity (the index) x technology investment, split at 2.0 on both axes."""
    split, top = ARCHITECTURE_SPLIT, MAX_LEVEL
    scale = alt.Scale(domain=[0, top], nice=False)
    cells: list[dict[str, Any]] = [
        {"name": "Founder-led", "x": 0, "x2": split, "y": 0, "y2": split},
        {"name": "Technology ahead of architecture", "x": 0, "x2": split, "y": split, "y2": top},
        {"name": "Ready to build", "x": split, "x2": top, "y": 0, "y2": split},
        {"name": "Scaling", "x": split, "x2": top, "y": split, "y2": top},
    ]
    for cell in cells:
        cell["here"] = cell["name"] == quadrant
        cell["cx"] = (cell["x"] + cell["x2"]) / 2
        cell["ty"] = cell["y2"] - 0.22
        cell["label"] = cell["name"].replace(" ahead of", "\nahead of")
    x_enc = alt.X(
        "x:Q",
        scale=scale,
        axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d", title="Architecture (L2O Index)"),
    )
    y_enc = alt.Y(
        "y:Q",
        scale=scale,
        axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d", title="Technology investment"),
    )
    layers: list[alt.Chart] = [
        alt.Chart(_data(cells))
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=x_enc,
            x2="x2:Q",
            y=y_enc,
            y2="y2:Q",
            color=alt.Color(
                "here:N",
                scale=alt.Scale(domain=[True, False], range=["#dbeafe", "#f3f4f6"]),
                legend=None,
            ),
        ),
        alt.Chart(_data(cells))
        .mark_text(baseline="top", fontSize=10.5, fontWeight="bold", color=INK, lineBreak="\n")
        .encode(x=alt.X("cx:Q", scale=scale), y=alt.Y("ty:Q", scale=scale), text="label:N"),
        alt.Chart(_data([{"x": REVENUE_MACHINE_AT, "y": split, "y2": top}]))
        .mark_rule(color=ACCENT, strokeDash=[4, 3])
        .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), y2="y2:Q"),
        alt.Chart(_data([{"x": REVENUE_MACHINE_AT, "y": split + 0.1, "label": "Revenue Machine"}]))
        .mark_text(align="left", dx=3, baseline="bottom", fontSize=9, color=ACCENT)
        .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="label:N"),
    ]
    if index is None or technology is None:
        missing = " and ".join(
            name for name, v in (("index", index), ("technology", technology)) if v is None
        )
        layers.append(
            alt.Chart(
                _data([{"x": split, "y": 1.0, "label": f"Not placed:\n{missing} not measured"}])
            )
            .mark_text(fontSize=11, fontStyle="italic", color=MUTED, lineBreak="\n")
            .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="label:N")
        )
    else:
        point = [
            {
                "x": min(max(index, 0.0), top),
                "y": min(max(technology, 0.0), top),
                "label": f"{company or 'This company'}\n({index:.1f}, {technology:.1f})",
                "index": index,
                "technology": technology,
            }
        ]
        layers += [
            alt.Chart(_data(point))
            .mark_point(filled=True, size=160, color=SHOWN, opacity=1)
            .encode(x=x_enc, y=y_enc, tooltip=["index:Q", "technology:Q"]),
            alt.Chart(_data(point))
            .mark_text(
                align="left" if index < 2.6 else "right",
                dx=9 if index < 2.6 else -9,
                dy=-12,
                fontSize=10.5,
                fontWeight="bold",
                color=SHOWN,
                lineBreak="\n",
            )
            .encode(x=x_enc, y=y_enc, text="label:N"),
        ]
    chart = alt.layer(*layers).properties(width=size, height=size)
    return _finish(chart, "Quadrant: architecture maturity against technology investment")


def cost_chart(
    components: Sequence[tuple[str, float | None]], currency: str, width: int = 420
) -> Spec:
    """The measured components of the cost of the gap as bars, largest first."""
    rows: list[dict[str, Any]] = [
        {"component": name, "amount": amount, "label": money_short(amount, currency)}
        for name, amount in components
        if amount is not None
    ]
    order = [r["component"] for r in sorted(rows, key=lambda r: -r["amount"])]
    y = alt.Y("component:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    largest = max((r["amount"] for r in rows), default=1.0) or 1.0
    x = alt.X(
        "amount:Q",
        title=f"{currency} per year".strip(),
        scale=alt.Scale(domain=[0, largest * 1.25], nice=False),
        axis=alt.Axis(format="~s", tickCount=5),
    )
    bars = alt.Chart(_data(rows)).mark_bar(color="#b91c1c", height=16).encode(x=x, y=y)
    text = (
        alt.Chart(_data(rows))
        .mark_text(align="left", dx=4, fontSize=10, color=INK)
        .encode(x=x, y=y, text="label:N")
    )
    chart = alt.layer(bars, text).properties(width=width, height=max(len(rows), 1) * 26)
    return _finish(chart, "Cost of the gap by component")


def comparison_chart(
    rows: Sequence[tuple[str, float | None, float | None]],
    before_label: str = "Day 0",
    after_label: str = "Day 90",
    width: int = 560,
) -> Spec:
    """Before and after scores per dimension as grouped bars (0-4); missing ones left out."""
    data = [
        {"dimension": title, "moment": moment, "score": value, "label": f"{value:.1f}"}
        for title, before, after in rows
        for moment, value in ((before_label, before), (after_label, after))
        if value is not None
    ]
    order = [title for title, _, _ in rows]
    colour = alt.Color(
        "moment:N",
        scale=alt.Scale(domain=[before_label, after_label], range=["#9ca3af", SHOWN]),
        legend=alt.Legend(title=None, orient="top"),
    )
    x = alt.X(
        "dimension:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')", labelLineHeight=12),
    )
    y = alt.Y("score:Q", scale=alt.Scale(domain=[0, MAX_LEVEL]), title="Score (0-4)")
    offset = alt.XOffset("moment:N", sort=[before_label, after_label])
    bars = alt.Chart(_data(data)).mark_bar().encode(x=x, xOffset=offset, y=y, color=colour)
    text = (
        alt.Chart(_data(data))
        .mark_text(dy=-5, fontSize=10, color=INK)
        .encode(x=x, xOffset=offset, y=y, text="label:N")
    )
    line = (
        alt.Chart(_data([{"at": REVENUE_MACHINE_AT}]))
        .mark_rule(color=ACCENT, strokeDash=[4, 3])
        .encode(y=alt.Y("at:Q", scale=alt.Scale(domain=[0, MAX_LEVEL])))
    )
    chart = alt.layer(bars, text, line).properties(width=width, height=220)
    return _finish(chart, "Day 0 against day 90, per dimension")
