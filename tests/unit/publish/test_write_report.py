"""The written deliverables: report.html/pdf, the one-page brief, plan.md, ai-readiness.md.

Each company's files are written once per module (PDF rendering takes a second or two).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from publish_assessments import build_rich, build_sparse
from pypdf import PdfReader

from l2o.publish import (
    AssessmentView,
    PublishError,
    build_plan,
    render_board_brief_html,
    render_report_html,
    write_report,
)

NAMES = ["report.html", "report.pdf", "board-brief.pdf", "plan.md", "ai-readiness.md"]
TITLES = [
    "ICP",
    "Pipeline qualification",
    "Signal design",
    "Commercial structure",
    "Pricing governance",
    "Lifecycle expansion",
]


@pytest.fixture(scope="module")
def rich_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    assessment = build_rich()
    out = tmp_path_factory.mktemp("rich")
    write_report(assessment, out)
    return assessment, out


@pytest.fixture(scope="module")
def sparse_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    assessment = build_sparse()
    out = tmp_path_factory.mktemp("sparse") / "new" / "dir"
    write_report(assessment, out)
    return assessment, out


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_every_deliverable_is_written(
    rich_out: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    _, out = rich_out
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)
    assert all((out / name).stat().st_size > 0 for name in NAMES)


def test_report_html_shows_every_dimension_metric_sample_and_definition(
    rich_out: tuple[dict[str, Any], Path],
) -> None:
    assessment, out = rich_out
    html = (out / "report.html").read_text()

    for key, title in zip(
        ("icp", "pipeline", "signals", "commercial", "pricing", "lifecycle"), TITLES, strict=True
    ):
        section = html.split(f'id="dimension-{key}"')[1].split('class="dimension"')[0]
        assert title in section
        for metric in assessment["dimensions"][key]["metrics"]:
            assert escape(metric["definition"]) in section
            assert re.search(rf'<td class="num">{metric["n"]:,}</td>', section)


def test_report_html_shows_index_gaps_cost_formulas_and_readiness(
    rich_out: tuple[dict[str, Any], Path],
) -> None:
    assessment, out = rich_out
    html = (out / "report.html").read_text()

    assert f"{assessment['index']:.1f}" in html
    assert "Sector average 1.6" in html
    assert "Revenue Machine 3.0" in html
    assert assessment["quadrant"] in html
    for component in assessment["cost_of_gap"]["components"]:
        assert escape(component["formula"]) in html
        assert all(f"<code>{name}</code>" in html for name in component["inputs"])
    gaps = [d for d in assessment["dimensions"].values() if d.get("gap")]
    assert gaps
    assert all(escape(d["gap"]) in html for d in gaps)
    assert all(escape(r) in html for r in assessment["ai_readiness"]["reasons"])


def test_report_charts_are_inline_svg_and_nothing_is_fetched(
    rich_out: tuple[dict[str, Any], Path],
) -> None:
    _, out = rich_out
    html = (out / "report.html").read_text()

    for chart in ("index-chart", "radar-chart", "quadrant-chart", "cost-chart"):
        assert re.search(rf'id="{chart}"><svg', html), chart
    assert not re.search(r'(src|href)="https?://', html)


def test_report_pdf_holds_the_index_and_the_quadrant(
    rich_out: tuple[dict[str, Any], Path],
) -> None:
    assessment, out = rich_out
    text = _pdf_text(out / "report.pdf")

    assert f"L2O Index {assessment['index']:.1f}" in text
    assert assessment["quadrant"].split()[0] in text
    assert "Cost of the gap" in text


@pytest.mark.parametrize("company", ["rich_out", "sparse_out"])
def test_board_brief_is_one_page_with_the_headline_numbers(
    company: str, request: pytest.FixtureRequest
) -> None:
    assessment, out = request.getfixturevalue(company)
    reader = PdfReader(out / "board-brief.pdf")

    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert f"{assessment['index']:.1f}" in text
    assert "The three weakest dimensions" in text
    assert ("Not ready" in text) != assessment["ai_readiness"]["ready"]


def test_board_brief_lists_the_three_weakest_and_the_first_steps(
    rich_assessment: dict[str, Any],
) -> None:
    view = AssessmentView.from_json(rich_assessment)
    plan = build_plan(view)
    html = render_board_brief_html(rich_assessment)

    weakest = html.split("The three weakest dimensions")[1].split("</table>")[0]
    assert [p.title for p in plan.priorities[:3]] == re.findall(
        r"<tr><td>([^<]+?)(?: <span|</td>)", weakest
    )
    steps = html.split("The first steps of the 90-day plan")[1]
    assert all(step.title in steps for step in plan.top(3))


def test_the_sparse_report_says_insufficient_evidence_and_invents_nothing(
    sparse_out: tuple[dict[str, Any], Path],
) -> None:
    assessment, out = sparse_out
    html = (out / "report.html").read_text()

    insufficient = sum(
        1 for d in assessment["dimensions"].values() for m in d["metrics"] if m["level"] is None
    )
    assert html.count("insufficient evidence</span>") == insufficient
    assert "self-reported" in html
    assert "Not placed" in html  # no technology answer, so no quadrant
    assert "USD 0" not in html  # no cost estimate is not a zero cost
    assert re.search(r'id="cost-chart"', html) is None


def test_an_all_null_assessment_renders_without_numbers(empty_assessment: dict[str, Any]) -> None:
    report = render_report_html(empty_assessment)
    brief = render_board_brief_html(empty_assessment)

    assert "could not be computed" in report
    assert "Index not measured" in report
    assert "not measured" in brief


def test_a_malformed_assessment_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match=r"assessment\.dimensions"):
        write_report({"dimensions": ["icp"]}, tmp_path / "out")
    assert not (tmp_path / "out").exists()
