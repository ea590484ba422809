"""The assessment deliverables: the report (HTML and PDF), the one-page board brief, the
90-day plan and the AI-readiness document, all from one ``assessment.json`` dict::

    paths = write_report(json.loads(Path("out/assessment.json").read_text()), Path("out"))

Each ``render_*`` function returns the document's text, for a caller that writes elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from l2o.publish import charts
from l2o.publish.ai_uses import first_changes, judge_ai_uses, load_ai_use_rules
from l2o.publish.assessment_view import AssessmentView
from l2o.publish.figures import money_short, score
from l2o.publish.method import (
    AI_READY_AT,
    REVENUE_MACHINE_AT,
    SECTOR_AVERAGE,
)
from l2o.publish.plan import Plan, build_plan
from l2o.publish.rendering import chart, layout, render, write_pdf

__all__ = [
    "BRIEF_STEPS",
    "headline",
    "render_ai_readiness",
    "render_board_brief_html",
    "render_plan",
    "render_report_html",
    "write_board_brief",
    "write_report",
]

BRIEF_STEPS = 5
"""How many plan steps the board brief lists (fewer if they do not fit one page)."""
BRIEF_COMPONENTS = 3
"""How many cost components the board brief lists."""

Assessment = Mapping[str, Any] | AssessmentView


def _view(assessment: Assessment) -> AssessmentView:
    if isinstance(assessment, AssessmentView):
        return assessment
    return AssessmentView.from_json(assessment)


def headline(view: AssessmentView) -> str:
    """The assessment in one or two sentences, as a board member would want it."""
    if view.index is None:
        parts = ["The L2O Index could not be computed: no dimension has evidence or answers."]
    else:
        if view.index >= REVENUE_MACHINE_AT:
            position = f"at or above the Revenue Machine line of {REVENUE_MACHINE_AT:.1f}"
        else:
            relation = "above" if view.index > SECTOR_AVERAGE else "at or below"
            position = (
                f"{relation} the sector average of {SECTOR_AVERAGE:.1f} and "
                f"{REVENUE_MACHINE_AT - view.index:.1f} short of the Revenue Machine line "
                f"({REVENUE_MACHINE_AT:.1f})"
            )
        self_reported = sum(1 for d in view.dimensions if d.source == "self-reported")
        basis = (
            f" {self_reported} of 6 dimensions rest on the questionnaire alone."
            if self_reported
            else ""
        )
        parts = [f"L2O Index {view.index:.1f} of 4: {position}.{basis}"]
    if view.ai_ready:
        parts.append(
            f"The data and process are ready for AI agents (readiness {score(view.ai_score)})."
        )
    else:
        parts.append(
            f"Not ready to deploy AI agents (readiness {score(view.ai_score)}, "
            f"needs {AI_READY_AT:.1f})."
        )
    if view.cost.total is not None:
        parts.append(
            f"The gap costs an estimated {money_short(view.cost.total, view.cost.currency)} a year."
        )
    return " ".join(parts)


def _radar(view: AssessmentView) -> dict[str, Any]:
    return charts.radar_chart([(d.title, d.said, d.shown) for d in view.dimensions], size=250)


def _quadrant(view: AssessmentView, size: int = 300) -> dict[str, Any]:
    return charts.quadrant_chart(view.index, view.technology, view.quadrant, view.name, size)


def render_report_html(assessment: Assessment) -> str:
    """The full assessment report as one self-contained HTML page (charts inline as SVG)."""
    view = _view(assessment)
    measured = [(c.label, c.amount) for c in view.cost.largest_first if c.amount is not None]
    figures = {
        "index": chart(charts.index_chart(view.index)),
        "radar": chart(_radar(view)),
        "quadrant": chart(_quadrant(view)),
        "cost": chart(charts.cost_chart(measured, view.cost.currency)) if measured else None,
    }
    return render(
        "report.html.j2",
        v=view,
        charts=figures,
        headline=headline(view),
        uses=judge_ai_uses(view),
    )


def render_board_brief_html(
    assessment: Assessment,
    plan: Plan | None = None,
    steps: int = BRIEF_STEPS,
    compact: bool = False,
) -> str:
    """The one-page board brief as HTML (the PDF is made from it)."""
    view = _view(assessment)
    plan = plan or build_plan(view)
    components = [c for c in view.cost.largest_first if c.amount is not None]
    return render(
        "board_brief.html.j2",
        v=view,
        headline=headline(view),
        charts={
            "index": chart(charts.index_chart(view.index, width=520)),
            "quadrant": chart(_quadrant(view, size=230)),
        },
        weakest=plan.priorities[:3],
        components=components[:BRIEF_COMPONENTS],
        steps=plan.top(steps),
        phases={p.phase: p.days for p in plan.phases},
        compact=compact,
    )


def write_board_brief(assessment: Assessment, path: Path) -> int:
    """Write the board brief PDF at ``path``, trimmed until it fits one page (fewer plan
    steps, then a compact layout); returns its page count (1 unless nothing fits)."""
    view = _view(assessment)
    plan = build_plan(view)
    document = None
    for compact in (False, True):
        for steps in range(BRIEF_STEPS, 0, -1):
            document = layout(render_board_brief_html(view, plan, steps=steps, compact=compact))
            if len(document.pages) == 1:
                document.write_pdf(path)
                return 1
    assert document is not None
    document.write_pdf(path)
    return len(document.pages)


def render_plan(assessment: Assessment) -> str:
    """The 90-day plan as Markdown."""
    view = _view(assessment)
    return render("plan.md.j2", v=view, plan=build_plan(view))


def render_ai_readiness(assessment: Assessment) -> str:
    """The AI deployment readiness document as Markdown."""
    view = _view(assessment)
    uses = judge_ai_uses(view)
    return render(
        "ai_readiness.md.j2",
        v=view,
        uses=uses,
        changes=first_changes(uses),
        rules_version=load_ai_use_rules().version,
    )


def write_report(assessment: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write report.html, report.pdf, board-brief.pdf, plan.md and ai-readiness.md to
    ``out_dir`` (created if missing); returns their paths in that order.

    Raises :class:`~l2o.publish.PublishError` if the assessment has the wrong shape.
    """
    view = AssessmentView.from_json(assessment)
    plan = build_plan(view)
    out_dir.mkdir(parents=True, exist_ok=True)
    report_html = render_report_html(view)
    paths = {
        "report.html": out_dir / "report.html",
        "report.pdf": out_dir / "report.pdf",
        "board-brief.pdf": out_dir / "board-brief.pdf",
        "plan.md": out_dir / "plan.md",
        "ai-readiness.md": out_dir / "ai-readiness.md",
    }
    paths["report.html"].write_text(report_html, encoding="utf-8")
    write_pdf(report_html, paths["report.pdf"])
    write_board_brief(view, paths["board-brief.pdf"])
    paths["plan.md"].write_text(render("plan.md.j2", v=view, plan=plan), encoding="utf-8")
    paths["ai-readiness.md"].write_text(render_ai_readiness(view), encoding="utf-8")
    return list(paths.values())
