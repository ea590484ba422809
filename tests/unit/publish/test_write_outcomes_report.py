"""The revenue outcomes report rendered from plain figures: every section with its charts and
how each number was computed, or the reason a section was skipped."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from outcomes_figures import SKIP_REASONS, build_full, build_skipped
from pypdf import PdfReader

from l2o.publish import OUTCOME_SECTIONS, render_outcomes_html, write_outcomes_report
from l2o.publish.outcomes_report import metric_shown


def _section(html: str, name: str) -> str:
    """The HTML of section ``name`` (up to the next section)."""
    match = re.search(rf'<section id="{name}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(1)


@pytest.fixture(scope="module")
def full_html() -> str:
    return render_outcomes_html(build_full())


def test_every_section_is_rendered_with_its_title(full_html: str):
    for name, title in OUTCOME_SECTIONS.items():
        part = _section(full_html, name)
        assert title in part
        assert "Section skipped" not in part


@pytest.mark.parametrize(
    ("section", "charts"),
    [
        ("metrics", 3),  # funnel, stage conversion, NRR and GRR
        ("forecast", 1),
        ("track_record", 1),
        ("attribution", 2),  # the default model's credit, every model side by side
    ],
)
def test_sections_carry_their_charts_as_inline_svg(full_html: str, section: str, charts: int):
    assert _section(full_html, section).count("<svg") == charts


def test_every_metric_states_its_value_n_and_how(full_html: str):
    part = _section(full_html, "metrics")
    for metric in build_full()["sections"]["metrics"]["metrics"]:
        if metric["value"] is None:
            continue
        assert metric_shown(metric["value"], metric["unit"]) in part
        assert str(escape(metric["how"])) in part
        assert str(escape(metric["definition"])) in part


def test_an_unmeasured_metric_reads_not_measured_with_its_reason(full_html: str):
    part = _section(full_html, "metrics")
    row = re.search(r"<tr>\s*<td>pipeline coverage.*?</tr>", part, re.S)
    assert row
    assert "not measured" in row.group(0)
    assert "no target and no prior bookings" in row.group(0)
    assert "0.00" not in row.group(0)


def test_forecast_shows_the_interval_and_an_insufficient_method(full_html: str):
    part = _section(full_html, "forecast")
    assert "701,000" in part
    assert "899,000" in part
    assert "1,104,000" in part
    row = re.search(
        r"<tbody[^>]*>\s*<tr[^>]*>\s*<td><strong>Stage conversion.*?</tbody>", part, re.S
    )
    assert row
    assert "insufficient evidence" in row.group(0)
    assert "How: insufficient evidence: no stage history" in row.group(0)


def test_track_record_names_the_method_that_earned_trust(full_html: str):
    part = _section(full_html, "track_record")
    assert "Monte Carlo has earned trust" in part
    assert part.count("trusted</span>") == 1
    assert "13.7%" in part  # MAPE of the trusted method, to one decimal


def test_attribution_gives_shares_and_names_refused_models(full_html: str):
    part = _section(full_html, "attribution")
    assert "60.0%" in part
    assert "40.0%" in part
    assert "markov: not run: too few paths" in part
    assert "exact Shapley values over channel sets" in part


def test_retention_shows_concordance_and_health_validity(full_html: str):
    part = _section(full_html, "retention")
    assert "0.774" in part
    assert "0.701" in part
    assert "0.660" in part
    assert "predictive" in part


def test_retention_without_a_churn_model_keeps_the_curve_and_says_why():
    figures = build_full()
    retention = figures["sections"]["retention"]
    retention.update(
        concordance=None,
        holdout=None,
        hazard_ratios={},
        how="",
        insufficient="insufficient evidence: 4 churned customers (needs 10)",
    )
    part = _section(render_outcomes_html(figures), "retention")
    assert "Churn model not fitted: insufficient evidence: 4 churned customers" in part
    assert "88.0%" in part  # still customers after 365 days
    assert "Section skipped" not in part


def test_skipped_sections_say_why_and_draw_nothing():
    html = render_outcomes_html(build_skipped())
    for name, reason in SKIP_REASONS.items():
        part = _section(html, name)
        assert f"Section skipped: {escape(reason)}" in part
        assert "<svg" not in part
        assert "<table" not in part
    assert "<svg" not in html


def test_one_skipped_section_leaves_the_others(full_html: str):
    figures = build_full()
    figures["sections"]["attribution"] = {"skipped": SKIP_REASONS["attribution"]}
    html = render_outcomes_html(figures)
    assert "Section skipped" in _section(html, "attribution")
    assert _section(html, "forecast") == _section(full_html, "forecast")


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.4125, "ratio", "41.2%"),
        (1.5, "x", "1.50\u00d7"),
        (12345.6, "money/day", "12,346 per day"),
        (47.25, "days", "47.2 days"),
        (None, "ratio", "not measured"),
    ],
)
def test_metric_values_read_in_their_unit(value: float | None, unit: str, shown: str):
    assert metric_shown(value, unit) == shown


@pytest.mark.parametrize("build", [build_full, build_skipped])
def test_write_outcomes_report_writes_html_pdf_and_the_figures(tmp_path: Path, build: Any):
    figures = build()
    paths = write_outcomes_report(figures, tmp_path / "out")
    assert [p.name for p in paths] == ["outcomes.html", "outcomes.pdf", "outcomes.json"]
    assert json.loads(paths[2].read_text(encoding="utf-8")) == figures
    assert len(PdfReader(paths[1]).pages) >= 1
    assert "Revenue outcomes" in paths[0].read_text(encoding="utf-8")
