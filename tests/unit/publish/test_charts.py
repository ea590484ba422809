"""Charts are Vega-Lite specs whose data are the assessment's numbers, rendered to SVG."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from l2o.publish import charts


def _layer_values(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [layer["data"]["values"] for layer in spec["layer"] if "data" in layer]


def _points(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for rows in _layer_values(spec) for row in rows if "score" in row]


DIMENSIONS = [
    ("ICP", 2.5, 1.25),
    ("Pipeline qualification", 3.0, None),
    ("Signal design", None, 1.0),
    ("Commercial structure", 2.0, 2.75),
]


def test_radar_puts_each_measured_score_at_its_radius() -> None:
    points = _points(charts.radar_chart(DIMENSIONS))

    measured = {
        (d, s)
        for d, said, shown in DIMENSIONS
        for s, v in (("said", said), ("shown", shown))
        if v is not None
    }
    assert len(points) == len(measured)
    for point in points:
        assert math.hypot(point["x"], point["y"]) == pytest.approx(point["score"], abs=1e-5)


def test_radar_draws_no_edge_to_a_missing_score() -> None:
    spec = charts.radar_chart(DIMENSIONS)
    edges = [r for rows in _layer_values(spec) for r in rows if "edge" in r]

    said_edges = {r["edge"] for r in edges if r["series"].startswith("Said")}
    shown_edges = {r["edge"] for r in edges if r["series"].startswith("Shown")}
    # said: ICP-pipeline and commercial-ICP (signals missing);
    # shown: signals-commercial and commercial-ICP (pipeline missing)
    assert len(said_edges) == 2
    assert len(shown_edges) == 2


def test_radar_svg_holds_one_mark_per_measured_point() -> None:
    markup = charts.svg(charts.radar_chart(DIMENSIONS))

    assert markup.startswith("<svg")
    labels = re.findall(r'aria-label="([^"]*dimension: [^"]*)"', markup)
    assert "series: Said (questionnaire); dimension: ICP; score: 2.5" in " ".join(labels)
    assert "dimension: Signal design; score: 1.0" in " ".join(labels)
    assert not any("Pipeline qualification" in label and "Shown" in label for label in labels)


def test_index_chart_shows_the_reference_lines_and_the_index() -> None:
    spec = charts.index_chart(2.4)
    rows = [r for rows in _layer_values(spec) for r in rows]

    assert {r.get("at") for r in rows} >= {1.6, 3.0}
    assert any(r.get("index") == 2.4 for r in rows)
    assert "Index 2.4" in charts.svg(spec)


def test_index_chart_without_an_index_says_so() -> None:
    rows = [r for rows in _layer_values(charts.index_chart(None)) for r in rows]

    assert not any("index" in r for r in rows)
    assert any(r.get("label") == "Index not measured" for r in rows)


def test_quadrant_places_the_company_and_names_the_quadrants() -> None:
    spec = charts.quadrant_chart(1.4, 2.6, "Technology ahead of architecture", "Acme")
    rows = [r for rows in _layer_values(spec) for r in rows]

    company = [r for r in rows if "technology" in r]
    assert [(r["index"], r["technology"]) for r in company] == [(1.4, 2.6)] * len(company)
    highlighted = {r["name"] for r in rows if r.get("here")}
    assert highlighted == {"Technology ahead of architecture"}
    assert "Founder-led" in charts.svg(spec)


def test_quadrant_without_technology_is_not_placed() -> None:
    rows = [r for rows in _layer_values(charts.quadrant_chart(1.4, None, None)) for r in rows]

    assert not any("technology" in r for r in rows)
    assert any("technology not measured" in str(r.get("label")) for r in rows)


def test_comparison_chart_has_a_bar_per_measured_side() -> None:
    spec = charts.comparison_chart([("ICP", 1.0, 2.0), ("Pricing governance", None, 1.5)])
    markup = charts.svg(spec)

    bars = re.findall(
        r'aria-label="dimension: ([^;]*); Score \(0-4\): ([\d.]+); moment: ([^";]*)"', markup
    )
    assert sorted(bars) == [
        ("ICP", "1", "Day 0"),
        ("ICP", "2", "Day 90"),
        ("Pricing governance", "1.5", "Day 90"),
    ]
