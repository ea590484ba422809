"""ICP: who the company sells to — tiers of firmographic fit, disqualifiers, buying personas.

An account's fit score (0-100) is the weighted share of criteria it meets; the best tier whose
``min_fit_score`` it reaches is its ICP tier, unless a disqualifier matches first. Personas map
job titles to the role a person plays in the buying group.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from l2o.spec._base import CountryCode, Identifier, MoneyRange, NumberRange, SpecModel
from l2o.spec.conditions import Condition

__all__ = [
    "BuyingRole",
    "CriteriaWeights",
    "Disqualifier",
    "FirmographicCriteria",
    "IcpSpec",
    "IcpTier",
    "Persona",
]

BuyingRole = Literal[
    "economic_buyer",
    "decision_maker",
    "champion",
    "technical_buyer",
    "influencer",
    "user",
    "blocker",
]
"""The part a person plays in a buying decision."""


class FirmographicCriteria(SpecModel):
    """What an account in a tier looks like; an empty list or missing band means "any"."""

    industries: list[str] = Field(default_factory=list)
    employees: NumberRange | None = None
    annual_revenue: MoneyRange | None = None
    countries: list[CountryCode] = Field(default_factory=list)
    technologies: list[str] = Field(default_factory=list)
    custom: list[Condition] = Field(
        default_factory=list, description="Tests on account fields, e.g. custom fields."
    )

    def is_empty(self) -> bool:
        """True when nothing is constrained: every account would match."""
        return not (
            self.industries
            or self.employees
            or self.annual_revenue
            or self.countries
            or self.technologies
            or self.custom
        )


class CriteriaWeights(SpecModel):
    """Points each criterion adds to the 0-100 fit score; they must sum to 100."""

    industry: int = Field(default=30, ge=0, le=100)
    employees: int = Field(default=25, ge=0, le=100)
    annual_revenue: int = Field(default=20, ge=0, le=100)
    country: int = Field(default=15, ge=0, le=100)
    technologies: int = Field(default=10, ge=0, le=100)
    custom: int = Field(default=0, ge=0, le=100)

    @model_validator(mode="after")
    def _sum_to_100(self) -> CriteriaWeights:
        total = sum(self.model_dump().values())
        if total != 100:
            raise ValueError(f"criteria weights must sum to 100, not {total}")
        return self


class IcpTier(SpecModel):
    """One tier (segment) of the ideal customer profile, ranked 1 = best fit."""

    id: Identifier
    label: str | None = None
    rank: int = Field(ge=1)
    min_fit_score: int = Field(default=0, ge=0, le=100)
    criteria: FirmographicCriteria = Field(default_factory=FirmographicCriteria)


class Disqualifier(SpecModel):
    """An account or lead the company will not sell to, whatever its fit (e.g. competitors)."""

    id: Identifier
    reason: str
    when: Condition = Field(description="Tested against account fields.")


class Persona(SpecModel):
    """A buying persona: job titles matching any pattern play ``role`` in the buying group."""

    id: Identifier
    label: str | None = None
    title_patterns: list[str] = Field(
        min_length=1, description="Case-insensitive regular expressions matched on job title."
    )
    role: BuyingRole

    @field_validator("title_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"title pattern {pattern!r} is not a valid regex: {exc}") from exc
        return patterns


class IcpSpec(SpecModel):
    """The ICP dimension: tiers, criteria weights, disqualifiers and buying personas."""

    criteria_weights: CriteriaWeights = Field(default_factory=CriteriaWeights)
    tiers: list[IcpTier] = Field(default_factory=list)
    disqualifiers: list[Disqualifier] = Field(default_factory=list)
    personas: list[Persona] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when the company has defined no tiers, disqualifiers or personas."""
        return not (self.tiers or self.disqualifiers or self.personas)
