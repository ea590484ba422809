"""Pipeline qualification: the pipelines, their ordered stages, and the gates between stages.

A stage's exit criteria are what must be true before a deal leaves it: fields filled in,
elements of the qualification framework (e.g. MEDDICC) confirmed, related records present
(a primary contact, a quote). ``max_days_in_stage`` is the stall limit. A pipeline's
``override_roles`` may move a deal past a gate it does not meet, giving a reason.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from l2o.spec._base import Identifier, SpecModel

__all__ = [
    "DealType",
    "FieldFilled",
    "ForecastCategory",
    "Pipeline",
    "PipelineSpec",
    "QualificationElement",
    "QualificationFramework",
    "QualificationMet",
    "RelatedRecordKind",
    "RelatedRecordPresent",
    "Stage",
    "StageCriterion",
]

DealType = Literal["new_business", "expansion", "renewal"]
ForecastCategory = Literal["pipeline", "best_case", "commit", "closed", "omitted"]
RelatedRecordKind = Literal[
    "primary_contact",
    "contact_roles",
    "economic_buyer_contact",
    "line_items",
    "quote",
    "approved_quote",
    "mutual_action_plan",
    "signed_order_form",
]
"""Records a deal can be required to have before it moves on."""


class QualificationElement(SpecModel):
    """One element of the qualification framework, e.g. MEDDICC's ``economic_buyer``.

    ``field`` names the opportunity field that records it, so the engine can tell whether
    the element is confirmed.
    """

    id: Identifier
    label: str | None = None
    field: str | None = None


class QualificationFramework(SpecModel):
    """The qualification method (MEDDICC, BANT, ...) whose elements exit criteria draw from."""

    name: str
    elements: list[QualificationElement] = Field(min_length=1)


class FieldFilled(SpecModel):
    """Criterion: an opportunity field has a value, e.g. ``{field: next_step}``."""

    field: str = Field(min_length=1)


class QualificationMet(SpecModel):
    """Criterion: an element of the qualification framework is confirmed."""

    qualification: Identifier


class RelatedRecordPresent(SpecModel):
    """Criterion: the deal has at least ``min_count`` related records of a kind."""

    related: RelatedRecordKind
    min_count: int = Field(default=1, ge=1)


def _criterion_kind(value: Any) -> str | None:
    keys = value.keys() if isinstance(value, dict) else vars(value).keys()
    for kind in ("field", "qualification", "related"):
        if kind in keys:
            return kind
    return None


StageCriterion = Annotated[
    Annotated[FieldFilled, Tag("field")]
    | Annotated[QualificationMet, Tag("qualification")]
    | Annotated[RelatedRecordPresent, Tag("related")],
    Discriminator(
        _criterion_kind,
        custom_error_type="criterion_shape",
        custom_error_message="a stage criterion needs 'field', 'qualification' or 'related'",
    ),
]
"""One requirement of a stage gate."""


class Stage(SpecModel):
    """A pipeline stage: its forecast weight, its gates, and how long a deal may sit in it."""

    id: Identifier
    label: str | None = None
    probability: int = Field(ge=0, le=100, description="Win probability in percent.")
    forecast_category: ForecastCategory
    outcome: Literal["open", "won", "lost"] = "open"
    entry_criteria: list[StageCriterion] = Field(default_factory=list)
    exit_criteria: list[StageCriterion] = Field(default_factory=list)
    max_days_in_stage: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _closed_stages_are_certain(self) -> Stage:
        if self.outcome == "won" and (
            self.probability != 100 or self.forecast_category != "closed"
        ):
            raise ValueError("a won stage has probability 100 and forecast_category 'closed'")
        if self.outcome == "lost" and (
            self.probability != 0 or self.forecast_category != "omitted"
        ):
            raise ValueError("a lost stage has probability 0 and forecast_category 'omitted'")
        return self


class Pipeline(SpecModel):
    """An ordered sequence of stages for one kind of deal."""

    id: Identifier
    label: str | None = None
    deal_type: DealType
    stages: list[Stage] = Field(min_length=1)
    allow_stage_skipping: bool = False
    allow_backward_moves: bool = True
    override_roles: list[Identifier] = Field(
        default_factory=list,
        description="Role ids that may move a deal past a gate it does not meet, with a "
        "reason (audited); empty = nobody may override.",
    )

    def open_stages(self) -> list[Stage]:
        """The stages a deal is still being worked in, in order."""
        return [stage for stage in self.stages if stage.outcome == "open"]


class PipelineSpec(SpecModel):
    """The pipeline dimension: the qualification framework and the pipelines."""

    qualification: QualificationFramework | None = None
    pipelines: list[Pipeline] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when no pipeline is defined."""
        return not self.pipelines
