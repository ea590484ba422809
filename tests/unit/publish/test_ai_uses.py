"""Which AI uses an assessment supports: rules as data, unmeasured needs never met."""

from __future__ import annotations

from typing import Any

from l2o.publish import AssessmentView, first_changes, judge_ai_uses, render_ai_readiness


def _strong(assessment: dict[str, Any]) -> dict[str, Any]:
    for dimension in assessment["dimensions"].values():
        dimension["score"] = 3.5
    for item in assessment["data_quality"].values():
        item["level"] = 4
    assessment["index"] = 3.5
    assessment["ai_readiness"] = {"score": 3.6, "ready": True, "reasons": []}
    return assessment


def test_every_use_is_supported_when_every_need_is_met(rich_assessment: dict[str, Any]) -> None:
    verdicts = judge_ai_uses(AssessmentView.from_json(_strong(rich_assessment)))

    assert [v.id for v in verdicts] == ["lead_scoring", "forecasting", "deal_coaching", "agents"]
    assert all(v.supported for v in verdicts)
    assert first_changes(verdicts) == ()


def test_one_short_need_holds_back_the_uses_that_need_it(rich_assessment: dict[str, Any]) -> None:
    assessment = _strong(rich_assessment)
    assessment["data_quality"]["stage_history_share"]["level"] = 1

    verdicts = {v.id: v for v in judge_ai_uses(AssessmentView.from_json(assessment))}

    assert not verdicts["forecasting"].supported
    assert not verdicts["deal_coaching"].supported
    assert verdicts["lead_scoring"].supported
    assert [n.key for n in verdicts["forecasting"].unmet] == ["data_quality:stage_history_share"]


def test_an_unmeasured_need_is_not_met(rich_assessment: dict[str, Any]) -> None:
    assessment = _strong(rich_assessment)
    assessment["dimensions"]["signals"]["score"] = None

    lead_scoring = judge_ai_uses(AssessmentView.from_json(assessment))[0]

    assert not lead_scoring.supported
    (need,) = lead_scoring.unmet
    assert (need.key, need.measured, need.have_text) == ("dimension:signals", False, "not measured")


def test_first_changes_put_the_most_blocking_need_first(sparse_assessment: dict[str, Any]) -> None:
    changes = first_changes(judge_ai_uses(AssessmentView.from_json(sparse_assessment)))

    counts = [len(c.blocks) for c in changes]
    assert counts == sorted(counts, reverse=True)


def test_the_document_says_what_is_supported_and_what_must_change(
    sparse_assessment: dict[str, Any],
) -> None:
    text = render_ai_readiness(sparse_assessment)

    assert "## Supported now" in text
    assert "## Not yet" in text
    assert "## What must change first" in text
    for title in ("Lead scoring", "Forecasting", "Deal coaching", "Revenue agents"):
        assert f"### {title}" in text  # the sparse company supports none
    for reason in sparse_assessment["ai_readiness"]["reasons"]:
        assert reason in text
