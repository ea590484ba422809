"""What a spec asks a CRM to hold and enforce, independent of which CRM.

Both packages (Salesforce metadata, HubSpot JSON) are written from the same reading of the
spec: every stage gate as a list of :class:`Requirement` (a field that must be filled, or a
related-record count that must reach a minimum), with labels people read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from l2o.spec import ArchitectureSpec
from l2o.spec.fields import CustomField, RecordType
from l2o.spec.pipeline import (
    FieldFilled,
    Pipeline,
    QualificationMet,
    RelatedRecordPresent,
    Stage,
    StageCriterion,
)

__all__ = [
    "RELATED_LABELS",
    "Requirement",
    "StageGate",
    "custom_field",
    "label_of",
    "qualification_fields",
    "stage_gates",
    "stage_label",
]

RELATED_LABELS: dict[str, str] = {
    "primary_contact": "a primary contact",
    "contact_roles": "contact roles",
    "economic_buyer_contact": "an economic-buyer contact",
    "line_items": "line items",
    "quote": "a quote",
    "approved_quote": "an approved quote",
    "mutual_action_plan": "a mutual action plan",
    "signed_order_form": "a signed order form",
}


@dataclass(frozen=True)
class Requirement:
    """One thing a gate needs: ``field`` filled in, or ``related`` records (at least
    ``min_count``). ``label`` says it in words; ``qualification`` names the element, if any."""

    label: str
    field: str | None = None
    related: str | None = None
    min_count: int = 1
    qualification: str | None = None


@dataclass(frozen=True)
class StageGate:
    """A stage's exit (or entry) requirements, with where the gate sits in its pipeline."""

    pipeline: Pipeline
    stage: Stage
    kind: Literal["exit", "entry"]
    requirements: tuple[Requirement, ...]

    @property
    def leaving_from(self) -> list[Stage]:
        """Stages a deal may be in when this exit gate applies: this one and those before it."""
        ladder = self.pipeline.open_stages()
        return ladder[: ladder.index(self.stage) + 1]

    @property
    def going_to(self) -> list[Stage]:
        """Stages whose selection triggers the gate: later non-lost stages (exit), or itself."""
        if self.kind == "entry":
            return [self.stage]
        stages = self.pipeline.stages
        after = stages[stages.index(self.stage) + 1 :]
        return [stage for stage in after if stage.outcome != "lost"]


def label_of(name: str) -> str:
    """A field or stage id as people write it: ``next_step`` -> ``Next step``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def stage_label(stage: Stage) -> str:
    """The stage's label, or its id in title case (``closed_won`` -> ``Closed Won``)."""
    return stage.label or " ".join(part.capitalize() for part in stage.id.split("_"))


def _requirement(criterion: StageCriterion, spec: ArchitectureSpec) -> Requirement:
    if isinstance(criterion, FieldFilled):
        return Requirement(f"{label_of(criterion.field)} filled in", field=criterion.field)
    if isinstance(criterion, QualificationMet):
        framework = spec.pipeline.qualification if spec.pipeline else None
        element = next(
            (
                e
                for e in (framework.elements if framework else [])
                if e.id == criterion.qualification
            ),
            None,
        )
        name = element.label if element and element.label else label_of(criterion.qualification)
        field = element.field if element and element.field else criterion.qualification
        return Requirement(f"{name} confirmed", field=field, qualification=criterion.qualification)
    assert isinstance(criterion, RelatedRecordPresent)
    what = RELATED_LABELS[criterion.related]
    if criterion.min_count > 1:
        what = f"at least {criterion.min_count} {what}"
    return Requirement(what, related=criterion.related, min_count=criterion.min_count)


def stage_gates(spec: ArchitectureSpec) -> list[StageGate]:
    """Every gate of every pipeline: open stages' exit criteria, any stage's entry criteria."""
    gates: list[StageGate] = []
    for pipeline in spec.pipeline.pipelines if spec.pipeline else []:
        for stage in pipeline.stages:
            if stage.outcome == "open" and stage.exit_criteria:
                reqs = tuple(_requirement(c, spec) for c in stage.exit_criteria)
                gates.append(StageGate(pipeline, stage, "exit", reqs))
            if stage.entry_criteria:
                reqs = tuple(_requirement(c, spec) for c in stage.entry_criteria)
                gates.append(StageGate(pipeline, stage, "entry", reqs))
    return gates


def qualification_fields(spec: ArchitectureSpec) -> list[tuple[str, str]]:
    """The opportunity fields the qualification framework records, with their labels."""
    framework = spec.pipeline.qualification if spec.pipeline else None
    fields: dict[str, str] = {}
    for element in framework.elements if framework else []:
        field = element.field or element.id
        fields.setdefault(field, element.label or label_of(element.id))
    return list(fields.items())


def custom_field(spec: ArchitectureSpec, record: RecordType, name: str) -> CustomField | None:
    """The spec's declaration of custom field ``name`` on ``record``, if it declares one."""
    declared: list[CustomField] = getattr(spec.custom_fields, record)
    return next((field for field in declared if field.name == name), None)
