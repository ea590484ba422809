"""The ``assessment.json`` contract as models, and its JSON Schema (``schemas/``).

The models describe the document :meth:`~l2o.assess.Assessment.to_json` and the assessment
service write; ``assessment_json_schema()`` is what ``schemas/assessment.schema.json`` holds
(regenerate with ``l2o assess schema --out schemas/assessment.schema.json``), and
``AssessmentDocument.model_validate(document)`` checks a document in Python.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from l2o.assess.results import ASSESSMENT_SCHEMA_VERSION

__all__ = ["AssessmentDocument", "assessment_json_schema"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MetricEntry(_Strict):
    """One evidence metric (or data-quality input) as scored."""

    name: str
    value: float | None
    level: int | None = Field(ge=0, le=4)
    n: int = Field(ge=0, description="The sample the value was measured on.")
    definition: str
    note: Literal["insufficient evidence"] | None = None


class DimensionEntry(_Strict):
    """One dimension: said, shown, the score that counts and where it came from."""

    score: float | None
    said: float | None
    shown: float | None
    source: Literal["evidence", "self-reported"] | None
    metrics: list[MetricEntry]
    gap: str | None = None
    reason: str | None = None


class Dimensions(_Strict):
    """The six dimensions."""

    icp: DimensionEntry
    pipeline: DimensionEntry
    signals: DimensionEntry
    commercial: DimensionEntry
    pricing: DimensionEntry
    lifecycle: DimensionEntry


class AiReadinessEntry(_Strict):
    """AI readiness 0-4, whether ready (2.0 or more), and why not."""

    score: float | None
    ready: bool
    reasons: list[str]


class TechnologyEntry(_Strict):
    """Technology investment (the quadrant's second axis), from the questionnaire."""

    score: float | None


class CostComponentEntry(_Strict):
    """One component of the cost of the gap, per year, with its formula and inputs."""

    name: str
    amount: float
    formula: str
    inputs: dict[str, Any]


class CostOfGapEntry(_Strict):
    """The cost of the gap per year: total, currency, components, what was not measured."""

    total: float
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    components: list[CostComponentEntry]
    not_measured: dict[str, str] = Field(default_factory=dict)


class DataQualityEntry(_Strict):
    """The data-quality inputs of AI readiness and their mean level."""

    score: float | None
    inputs: list[MetricEntry]


class AssessmentDocument(_Strict):
    """``assessment.json``: the L2O Index of one company at one moment."""

    schema_version: Literal["1"] = Field(
        default="1", description=f"The contract version ({ASSESSMENT_SCHEMA_VERSION} here)."
    )
    rubric_version: str = Field(pattern=r"^v[0-9]+$")
    id: str | None = Field(default=None, description="The snapshot id, once saved.")
    name: str | None = None
    created_at: str | None = Field(default=None, description="When it was computed (ISO 8601).")
    as_of: str | None = Field(default=None, description="The day the data runs to.")
    spec_used: bool | None = Field(default=None, description="Whether a spec was given.")
    index: float | None
    dimensions: Dimensions
    ai_readiness: AiReadinessEntry
    technology: TechnologyEntry
    quadrant: (
        Literal["Founder-led", "Technology ahead of architecture", "Ready to build", "Scaling"]
        | None
    )
    revenue_machine: bool
    cost_of_gap: CostOfGapEntry | None
    data_quality: DataQualityEntry | None


def assessment_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``assessment.json`` (draft 2020-12)."""
    schema = AssessmentDocument.model_json_schema(mode="validation")
    schema["$schema"] = _DIALECT
    schema["title"] = "L2O assessment"
    return schema
