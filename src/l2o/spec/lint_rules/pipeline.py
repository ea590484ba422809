"""Pipeline lint: ungated stages, probabilities that go down, no stall limits, no outcomes."""

from __future__ import annotations

from collections.abc import Iterator

from l2o.errors import SpecProblem
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.lint_rules._warning import warning
from l2o.spec.pipeline import Pipeline, QualificationMet

__all__ = ["pipeline_gaps"]


def pipeline_gaps(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    """Warnings for the pipeline section."""
    section = spec.pipeline
    if section is None or section.is_empty():
        return
    if section.qualification is None:
        yield warning(
            "pipeline.qualification",
            "no qualification framework: stage gates cannot require MEDDICC/BANT elements",
            rule="no_qualification_framework",
        )
    else:
        used = {
            criterion.qualification
            for pipeline in section.pipelines
            for stage in pipeline.stages
            for criterion in (*stage.entry_criteria, *stage.exit_criteria)
            if isinstance(criterion, QualificationMet)
        }
        for index, element in enumerate(section.qualification.elements):
            if element.id not in used:
                yield warning(
                    f"pipeline.qualification.elements[{index}]",
                    f"qualification element '{element.id}' is required by no stage",
                    rule="qualification_element_unused",
                    hint="add it to a stage's exit_criteria, or drop it from the framework",
                )
    for index, pipeline in enumerate(section.pipelines):
        yield from _stage_gaps(pipeline, f"pipeline.pipelines[{index}]")


def _stage_gaps(pipeline: Pipeline, base: str) -> Iterator[SpecProblem]:
    if pipeline.allow_stage_skipping:
        yield warning(
            f"{base}.allow_stage_skipping",
            f"pipeline '{pipeline.id}' lets deals skip stages, and with them their exit criteria",
            rule="stage_skipping_allowed",
        )
    outcomes = {stage.outcome for stage in pipeline.stages}
    for outcome in ("won", "lost"):
        if outcome not in outcomes:
            yield warning(
                f"{base}.stages",
                f"pipeline '{pipeline.id}' has no {outcome} stage",
                rule="pipeline_without_outcome",
                hint=f"add a closed stage with outcome: {outcome}",
            )
    previous: tuple[str, int] | None = None
    for index, stage in enumerate(pipeline.stages):
        if stage.outcome != "open":
            continue
        path = f"{base}.stages[{index}]"
        if not stage.exit_criteria:
            yield warning(
                f"{path}.exit_criteria",
                f"stage '{stage.id}' has no exit criteria: any deal can leave it",
                rule="stage_without_exit_criteria",
                hint="require fields, qualification elements or related records",
            )
        if stage.max_days_in_stage is None:
            yield warning(
                f"{path}.max_days_in_stage",
                f"stage '{stage.id}' has no stall limit: stuck deals are never flagged",
                rule="stage_without_stall_limit",
            )
        if previous is not None and stage.probability <= previous[1]:
            yield warning(
                f"{path}.probability",
                f"stage '{stage.id}' is {stage.probability}%, not above '{previous[0]}' "
                f"({previous[1]}%): later stages should be likelier to close",
                rule="probability_not_increasing",
            )
        previous = (stage.id, stage.probability)
