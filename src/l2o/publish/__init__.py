"""Publishing the L2O Index: the assessment report (HTML and PDF), the one-page board brief,
the 90-day plan, the AI-readiness document and the day-0-against-day-90 comparison; and the
revenue outcomes report (metrics, forecast, track record, attribution, retention).

Everything is made from the ``assessment.json`` contract (a dict), never from the assessment
code, so a saved assessment can be published again as it was::

    from l2o.publish import write_comparison, write_report

    write_report(json.loads(Path("out/assessment.json").read_text()), Path("out"))
    # out/report.html, report.pdf, board-brief.pdf, plan.md, ai-readiness.md
    write_comparison(comparison, Path("out"))            # out/compare.html
    write_outcomes_report(figures, Path("out"))          # out/outcomes.html, .pdf, .json

Charts are Vega-Lite specs rendered to SVG offline; PDFs are WeasyPrint renderings of the same
HTML. Missing values read "not measured" or "insufficient evidence", never zero.
See docs/report.md.
"""

from l2o.publish._errors import PublishError
from l2o.publish.ai_uses import AiUseVerdict, first_changes, judge_ai_uses, load_ai_use_rules
from l2o.publish.assessment_view import AssessmentView
from l2o.publish.comparison import ComparisonView, render_comparison_html, write_comparison
from l2o.publish.outcomes_report import (
    OUTCOME_SECTIONS,
    render_outcomes_html,
    write_outcomes_report,
)
from l2o.publish.plan import Plan, PlanStep, Priority, build_plan, load_plan_steps
from l2o.publish.report import (
    headline,
    render_ai_readiness,
    render_board_brief_html,
    render_plan,
    render_report_html,
    write_board_brief,
    write_report,
)

__all__ = [
    "OUTCOME_SECTIONS",
    "AiUseVerdict",
    "AssessmentView",
    "ComparisonView",
    "Plan",
    "PlanStep",
    "Priority",
    "PublishError",
    "build_plan",
    "first_changes",
    "headline",
    "judge_ai_uses",
    "load_ai_use_rules",
    "load_plan_steps",
    "render_ai_readiness",
    "render_board_brief_html",
    "render_comparison_html",
    "render_outcomes_html",
    "render_plan",
    "render_report_html",
    "write_board_brief",
    "write_comparison",
    "write_outcomes_report",
    "write_report",
]
