"""The root of an architecture spec: the company, its custom fields and the seven sections.

Every section is optional: a founder-led company may have written down only a pipeline. The
linter (:func:`l2o.spec.lint_spec`) warns about each missing dimension rather than refusing it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from l2o.spec._base import CurrencyCode, SpecModel
from l2o.spec.commercial import CommercialSpec
from l2o.spec.fields import CustomFields
from l2o.spec.icp import IcpSpec
from l2o.spec.lifecycle import LifecycleSpec
from l2o.spec.pipeline import PipelineSpec
from l2o.spec.pricing import PricingSpec
from l2o.spec.signals import SignalsSpec
from l2o.spec.workflows import WorkflowsSpec

__all__ = ["SECTIONS", "ArchitectureSpec", "Company"]

SECTIONS: tuple[str, ...] = (
    "icp",
    "pipeline",
    "signals",
    "commercial",
    "pricing",
    "lifecycle",
    "workflows",
)
"""The seven sections of a spec, in the order they are written and reported."""


class Company(SpecModel):
    """Who the architecture is for: name, reporting currency, fiscal calendar."""

    name: str = Field(min_length=1)
    currency: CurrencyCode = "USD"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)


class ArchitectureSpec(SpecModel):
    """A company's Lead-to-Order architecture, as written in ``architecture.yaml``.

    Build one with :func:`l2o.spec.load_spec`, which also checks the cross-references
    between sections (a stage naming an unknown field, a rule naming an unknown pool);
    constructing the model directly checks only each section's own shape.
    """

    version: Literal[1] = Field(description="The spec format version.")
    company: Company
    custom_fields: CustomFields = Field(default_factory=CustomFields)
    icp: IcpSpec | None = None
    pipeline: PipelineSpec | None = None
    signals: SignalsSpec | None = None
    commercial: CommercialSpec | None = None
    pricing: PricingSpec | None = None
    lifecycle: LifecycleSpec | None = None
    workflows: WorkflowsSpec | None = None
