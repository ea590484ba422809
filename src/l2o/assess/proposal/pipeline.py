"""The proposed pipelines: stage probabilities and stall limits from the stage history.

For every open stage:

- **probability** = the share of closed deals that reached the stage and were won
  (``won / reached``), rounded to a whole percent; then raised where needed so that each
  stage is likelier to close than the one before it;
- **max_days_in_stage** = the ``STALL_PERCENTILE`` (80th) percentile of completed stays in
  the stage: four deals in five that moved on did so within the limit;
- **exit criteria** are kept from the current spec, or proposed defaults (next step and a
  primary contact early, the qualification elements through the middle, line items and a
  close date before the last stage, an approved quote to leave it).

The pipelines are the current spec's (same stages, same order), plus each pipeline the data
uses that the spec lacks; with neither, a default new-business pipeline. A value without
enough evidence is kept from the spec or defaulted, and the comment says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from l2o.assess.proposal.evidence import Evidence, SpecPath, count
from l2o.assess.proposal.facts import PipelineFacts, ProposalFacts, StageFacts
from l2o.assess.proposal.names import identifier, unique_identifier
from l2o.assess.proposal.thresholds import (
    MIN_PIPELINE_DEALS,
    MIN_STAGE_DEALS,
    MIN_STAGE_STAYS,
    STALL_PERCENTILE,
)
from l2o.spec.pipeline import PipelineSpec

__all__ = ["DEFAULT_FRAMEWORK", "propose_pipeline"]

DEFAULT_FRAMEWORK: dict[str, Any] = {
    "name": "BANT",
    "elements": [
        {"id": "need", "label": "Need", "field": "need"},
        {"id": "budget", "label": "Budget", "field": "budget"},
        {"id": "authority", "label": "Authority", "field": "authority"},
        {"id": "timeline", "label": "Timeline", "field": "timeline"},
    ],
}
"""The qualification framework proposed when the current spec has none."""

_DEFAULT_STAGES = ("discovery", "qualification", "proposal", "negotiation")
_DEFAULT_STALL_DAYS = 30
_PATH: SpecPath = ("pipeline",)


@dataclass
class _Plan:
    """One pipeline to propose: where its stages come from."""

    id: str
    data_id: str | None
    deal_type: str
    base: dict[str, Any] | None = None
    data: PipelineFacts | None = None
    stages: list[dict[str, Any]] = field(default_factory=list)


def propose_pipeline(
    facts: ProposalFacts,
    current: PipelineSpec | None,
    current_data: dict[str, Any] | None,
    evidence: Evidence,
) -> dict[str, Any]:
    """The ``pipeline`` section, with the evidence for each derived value."""
    section: dict[str, Any] = {k: v for k, v in (current_data or {}).items() if k != "pipelines"}
    plans = _plans(facts, current_data, evidence)
    framework = section.get("qualification") or DEFAULT_FRAMEWORK
    elements = [element["id"] for element in framework["elements"]]
    used_default_criteria = False
    pipelines = []
    for index, plan in enumerate(plans):
        path = (*_PATH, "pipelines", index)
        pipeline, defaulted = _pipeline(plan, facts, elements, path, evidence)
        used_default_criteria |= defaulted
        pipelines.append(pipeline)
    if "qualification" not in section and used_default_criteria:
        section = {"qualification": DEFAULT_FRAMEWORK, **section}
        evidence.note(
            (*_PATH, "qualification"),
            "Proposed: the current spec names no qualification framework; the default exit "
            "criteria below draw on these BANT elements.",
        )
    section["pipelines"] = pipelines
    return section


def _plans(
    facts: ProposalFacts, current_data: dict[str, Any] | None, evidence: Evidence
) -> list[_Plan]:
    by_id = {identifier(p.id, "pipeline"): p for p in facts.pipelines}
    plans: list[_Plan] = []
    for base in (current_data or {}).get("pipelines", []):
        data = by_id.get(base["id"])
        plans.append(
            _Plan(base["id"], data.id if data else None, base["deal_type"], base=base, data=data)
        )
    taken = {plan.id for plan in plans}
    skipped = []
    for data_id, data in sorted(by_id.items(), key=lambda item: (-item[1].closed, item[0])):
        if data_id in taken:
            continue
        if data.closed < MIN_PIPELINE_DEALS or not any(s.reached for s in facts.stages_of(data.id)):
            skipped.append(f"'{data.id}' ({count(data.closed)} closed deals)")
            continue
        new_id = unique_identifier(data.id, taken, "pipeline")
        taken.add(new_id)
        plans.append(_Plan(new_id, data.id, data.deal_type, data=data))
    if skipped:
        evidence.note(
            (*_PATH, "pipelines"),
            f"Not proposed, too little history (fewer than {MIN_PIPELINE_DEALS} closed deals "
            f"with stage history): {', '.join(skipped)}.",
        )
    if not plans:
        plans.append(_Plan("new_business", None, "new_business"))
        evidence.note(
            (*_PATH, "pipelines"),
            "Default pipeline: the data holds no pipeline with enough closed deals and no "
            "current spec was given. Probabilities and stall limits below are defaults.",
        )
    return plans


def _pipeline(
    plan: _Plan,
    facts: ProposalFacts,
    elements: list[str],
    path: SpecPath,
    evidence: Evidence,
) -> tuple[dict[str, Any], bool]:
    if plan.base is not None:
        pipeline = {k: v for k, v in plan.base.items() if k != "stages"}
        stages = [dict(stage) for stage in plan.base["stages"]]
        source = "kept from the current spec"
    elif plan.data is not None:
        pipeline = {"id": plan.id, "deal_type": plan.deal_type}
        if plan.data.id != plan.id:
            pipeline["label"] = plan.data.id
        stages = _stages_from_data(facts.stages_of(plan.data.id))
        source = "found in the data"
        evidence.note(
            path,
            f"Pipeline '{plan.data.id}' found in the data ({count(plan.data.closed)} closed "
            "deals) but not in the current spec; its stages are ordered as deals moved "
            "through them.",
        )
    else:
        pipeline = {"id": plan.id, "deal_type": plan.deal_type}
        stages = _default_stages()
        source = "defaults"
    stats = {}
    if plan.data_id is not None:
        stats = {identifier(s.stage, "stage"): s for s in facts.stages_of(plan.data_id)}
    open_ids = [s["id"] for s in stages if s.get("outcome", "open") == "open"]
    defaulted = False
    previous: int | None = None
    for index, stage in enumerate(stages):
        stage_path = (*path, "stages", index)
        if stage.get("outcome", "open") != "open":
            if stage.get("outcome") == "lost" and not stage.get("entry_criteria"):
                stage["entry_criteria"] = [{"field": "loss_reason"}]
                evidence.note((*stage_path, "entry_criteria"), "Proposed: a lost deal says why.")
            continue
        position = open_ids.index(stage["id"])
        stage_stats = stats.get(stage["id"])
        probability = _probability(
            stage, stage_stats, position, len(open_ids), stage_path, evidence
        )
        if previous is not None and probability <= previous:
            raised = min(previous + 1, 99)
            evidence.note(
                (*stage_path, "probability"),
                f"Raised from {probability} to {raised} so the stage stays likelier to close "
                "than the one before it.",
            )
            probability = raised
        stage["probability"] = probability
        previous = probability
        stall = _stall_limit(stage, stage_stats, stage_path, evidence)
        if stall is not None:
            stage["max_days_in_stage"] = stall
        if not stage.get("exit_criteria"):
            qualifying = elements if plan.deal_type != "renewal" else []
            stage["exit_criteria"] = _default_exit_criteria(position, len(open_ids), qualifying)
            defaulted |= any("qualification" in c for c in stage["exit_criteria"])
            evidence.note(
                (*stage_path, "exit_criteria"),
                "Proposed default exit criteria (none were defined): review with the team.",
            )
        else:
            evidence.note((*stage_path, "exit_criteria"), f"Exit criteria {source}.")
        stages[index] = _ordered(stage)
    pipeline["stages"] = stages
    return {key: pipeline[key] for key in _PIPELINE_KEYS if key in pipeline}, defaulted


def _probability(
    stage: dict[str, Any],
    stats: StageFacts | None,
    position: int,
    n_open: int,
    path: SpecPath,
    evidence: Evidence,
) -> int:
    where = (*path, "probability")
    if stats is not None and stats.reached >= MIN_STAGE_DEALS:
        value = min(99, max(1, round(100 * stats.won / stats.reached)))
        evidence.note(
            where,
            f"probability {value}: {count(stats.won)} of {count(stats.reached)} closed deals "
            "that reached this stage were won.",
        )
        return value
    reached = stats.reached if stats else 0
    why = f"only {count(reached)} closed deals reached this stage ({MIN_STAGE_DEALS} needed)"
    if "probability" in stage:
        evidence.note(where, f"Kept from the current spec: {why}.")
        return int(stage["probability"])
    value = _default_probability(position, n_open)
    evidence.note(where, f"Default for its position: {why}.")
    return value


def _default_probability(position: int, n_open: int) -> int:
    if n_open <= 1:
        return 50
    return round(10 + 70 * position / (n_open - 1))


def _stall_limit(
    stage: dict[str, Any], stats: StageFacts | None, path: SpecPath, evidence: Evidence
) -> int | None:
    where = (*path, "max_days_in_stage")
    stays = stats.days_in_stage if stats else None
    if stays is not None and stays.n >= MIN_STAGE_STAYS:
        high = stays.percentile(STALL_PERCENTILE)
        median = stays.percentile(0.5)
        assert high is not None  # n > 0
        assert median is not None
        limit = high + 1  # stays are counted in whole days, rounded down
        evidence.note(
            where,
            f"stall limit {limit} days: {STALL_PERCENTILE:.0%} of {count(stays.n)} completed "
            f"stays in this stage lasted under {limit} days (median {median + 1}).",
        )
        return limit
    n = stays.n if stays else 0
    why = f"only {count(n)} completed stays in this stage ({MIN_STAGE_STAYS} needed)"
    if stage.get("max_days_in_stage") is not None:
        evidence.note(where, f"Kept from the current spec: {why}.")
        return int(stage["max_days_in_stage"])
    evidence.note(where, f"Default {_DEFAULT_STALL_DAYS} days: {why}.")
    return _DEFAULT_STALL_DAYS


def _forecast_category(probability: int) -> str:
    if probability < 25:
        return "pipeline"
    if probability < 60:
        return "best_case"
    return "commit"


def _stages_from_data(found: list[StageFacts]) -> list[dict[str, Any]]:
    won = [s for s in found if s.final_won and s.final_won >= s.final_lost + s.final_open]
    lost = [
        s
        for s in found
        if s not in won and s.final_lost and s.final_lost >= s.final_won + s.final_open
    ]
    won_stage = max(won, key=lambda s: s.final_won, default=None)
    lost_stage = max(lost, key=lambda s: s.final_lost, default=None)
    stages: list[dict[str, Any]] = []
    taken: set[str] = set()
    for stats in found:
        if stats in won or stats in lost:
            continue
        stage_id = unique_identifier(stats.stage, taken, "stage")
        taken.add(stage_id)
        stage: dict[str, Any] = {"id": stage_id}
        if stats.stage != stage_id:
            stage["label"] = stats.stage
        stages.append(stage)
    for final, outcome, fallback in (
        (won_stage, "won", "closed_won"),
        (lost_stage, "lost", "closed_lost"),
    ):
        stage_id = unique_identifier(final.stage if final else fallback, taken, "stage")
        taken.add(stage_id)
        closed: dict[str, Any] = {"id": stage_id}
        if final is not None and final.stage != stage_id:
            closed["label"] = final.stage
        stages.append(closed | _closed_fields(outcome))
    return stages


def _default_stages() -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = [{"id": stage_id} for stage_id in _DEFAULT_STAGES]
    stages.append({"id": "closed_won"} | _closed_fields("won"))
    stages.append({"id": "closed_lost"} | _closed_fields("lost"))
    return stages


def _closed_fields(outcome: str) -> dict[str, Any]:
    if outcome == "won":
        return {"probability": 100, "forecast_category": "closed", "outcome": "won"}
    return {"probability": 0, "forecast_category": "omitted", "outcome": "lost"}


def _default_exit_criteria(position: int, n_open: int, elements: list[str]) -> list[dict[str, Any]]:
    """Gates that grow with the stage: contact and next step, qualification, paper."""
    criteria: list[dict[str, Any]] = []
    if position == 0:
        criteria += [{"field": "next_step"}, {"related": "primary_contact"}]
    for index, element in enumerate(elements):
        if n_open == 1 or index * (n_open - 1) // len(elements) == position:
            criteria.append({"qualification": element})
    if n_open >= 3 and position == 1:
        criteria.append({"field": "amount"})
    if n_open >= 2 and position == n_open - 2:
        criteria += [{"related": "line_items"}, {"field": "close_date"}]
    if position == n_open - 1:
        criteria.append({"related": "approved_quote"})
    unique: list[dict[str, Any]] = []
    for criterion in criteria:
        if criterion not in unique:
            unique.append(criterion)
    return unique


_PIPELINE_KEYS = (
    "id",
    "label",
    "deal_type",
    "allow_stage_skipping",
    "allow_backward_moves",
    "override_roles",
    "stages",
)
_STAGE_KEYS = (
    "id",
    "label",
    "probability",
    "forecast_category",
    "outcome",
    "max_days_in_stage",
    "entry_criteria",
    "exit_criteria",
)


def _ordered(stage: dict[str, Any]) -> dict[str, Any]:
    """The stage's keys in a fixed order, a forecast category filled in if it had none."""
    if "forecast_category" not in stage:
        stage["forecast_category"] = _forecast_category(int(stage["probability"]))
    return {key: stage[key] for key in _STAGE_KEYS if key in stage}
