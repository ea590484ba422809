"""Lifecycle and workflow lint: missing parts of the customer lifecycle, unused sequences."""

from __future__ import annotations

from collections.abc import Iterator

from l2o.errors import SpecProblem
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.lint_rules._warning import warning
from l2o.spec.workflows import EnrolSequence

__all__ = ["lifecycle_gaps", "workflow_gaps"]

_LIFECYCLE_PARTS = {
    "onboarding": "no onboarding milestones: time to value is not managed",
    "health_score": "no health score: at-risk customers are found at renewal",
    "renewal": "no renewal windows: renewals start when the contract ends",
    "expansion_triggers": "no expansion triggers: expansion depends on the customer asking",
    "churn_risk_signals": "no churn-risk signals",
    "retention_targets": "no GRR/NRR targets",
}


def lifecycle_gaps(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    """Warnings for the lifecycle section."""
    lifecycle = spec.lifecycle
    if lifecycle is None or lifecycle.is_empty():
        return
    for part, message in _LIFECYCLE_PARTS.items():
        if not getattr(lifecycle, part):
            yield warning(f"lifecycle.{part}", message, rule="lifecycle_part_missing")
    renewal = lifecycle.renewal
    pipelines = spec.pipeline.pipelines if spec.pipeline else []
    has_renewal_pipeline = any(p.deal_type == "renewal" for p in pipelines)
    if renewal is not None and renewal.pipeline is None and has_renewal_pipeline:
        yield warning(
            "lifecycle.renewal.pipeline",
            "renewal windows open no opportunity in the renewal pipeline",
            rule="renewal_without_pipeline",
        )


def workflow_gaps(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    """Warnings for the workflows section."""
    section = spec.workflows
    if section is None or section.is_empty():
        return
    enrolled = {
        action.sequence
        for workflow in section.workflows
        for action in workflow.actions
        if isinstance(action, EnrolSequence)
    }
    for index, sequence in enumerate(section.sequences):
        if sequence.id not in enrolled:
            yield warning(
                f"workflows.sequences[{index}]",
                f"sequence '{sequence.id}' is enrolled by no workflow",
                rule="sequence_unused",
            )
