"""Day 0 against day 90: every dimension and metric, before, after and change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from l2o.publish import PublishError, write_comparison
from l2o.publish.comparison import metric_change
from l2o.publish.figures import MINUS

DIMENSIONS = ("icp", "pipeline", "signals", "commercial", "pricing", "lifecycle")


@pytest.fixture
def comparison() -> dict[str, Any]:
    dimensions: dict[str, Any] = {
        key: {
            "before": 1.0 + i * 0.25,
            "after": 1.5 + i * 0.25,
            "change": 0.5,
            "metrics": [
                {"name": f"{key}_captured_share", "before": 0.4, "after": 0.65, "change": 0.25}
            ],
        }
        for i, key in enumerate(DIMENSIONS)
    }
    dimensions["pricing"] = {
        "before": None,
        "after": 1.5,
        "change": None,
        "metrics": [{"name": "discount_dispersion", "before": None, "after": 0.09, "change": None}],
    }
    return {
        "before": {"name": "Northwind", "created_at": "2025-01-06T09:00:00+00:00", "index": 1.4},
        "after": {"name": "Northwind", "created_at": "2025-04-07T09:00:00+00:00", "index": 2.1},
        "index": {"before": 1.4, "after": 2.1, "change": 0.7},
        "dimensions": dimensions,
    }


def test_compare_html_shows_every_dimension_and_metric(
    comparison: dict[str, Any], tmp_path: Path
) -> None:
    path = write_comparison(comparison, tmp_path)
    html = path.read_text()

    assert path == tmp_path / "compare.html"
    assert "6 January 2025" in html
    assert "7 April 2025" in html
    assert "+0.7" in html
    for key in DIMENSIONS:
        assert f'id="dimension-{key}"' in html
    assert html.count("+25.0 pts") == 5  # each measured share metric moved 25 points


def test_a_side_not_measured_has_no_change_and_no_bar(
    comparison: dict[str, Any], tmp_path: Path
) -> None:
    html = write_comparison(comparison, tmp_path).read_text()

    row = html.split('id="dimension-pricing"')[1].split("</tr>")[0]
    assert row.count("not measured") == 2  # day 0 and the change
    bars = re.findall(
        r'aria-label="dimension: ([^;]*); Score \(0-4\): [\d.]+; moment: (Day \d+)[^";]*"', html
    )
    assert ("Pricing governance", "Day 90") in bars
    assert ("Pricing governance", "Day 0") not in bars
    assert len(bars) == 11


def test_a_malformed_comparison_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match=r"comparison\.dimensions\.icp\.before"):
        write_comparison({"dimensions": {"icp": {"before": "low"}}}, tmp_path)


def test_metric_changes_read_in_the_metric_unit() -> None:
    assert metric_change("stalled_share", -0.12) == f"{MINUS}12.0 pts"
    assert metric_change("median_speed_to_lead_hours", 2.0) == "+2.0 h"
    assert metric_change("grr", None) == "not measured"
