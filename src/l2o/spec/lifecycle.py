"""Lifecycle expansion: onboarding, customer health, renewals, expansion and churn signals."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from l2o.spec._base import Identifier, Percent, SpecModel
from l2o.spec.conditions import Condition

__all__ = [
    "ChurnRiskSignal",
    "ExpansionTrigger",
    "HealthComponent",
    "HealthScore",
    "LifecycleSpec",
    "OnboardingMilestone",
    "RenewalPolicy",
    "RetentionTargets",
]


class OnboardingMilestone(SpecModel):
    """A step a new customer should reach within ``due_days`` of the deal closing."""

    id: Identifier
    label: str | None = None
    due_days: int = Field(ge=0)
    owner_role: Identifier


class HealthComponent(SpecModel):
    """One input to the health score: an account field, scaled 0-100, with its weight."""

    id: Identifier
    field: str = Field(description="The account field the component reads.")
    weight: int = Field(ge=1, le=100)


class HealthScore(SpecModel):
    """The customer health score: weighted components and the band edges."""

    components: list[HealthComponent] = Field(min_length=1)
    at_risk_below: int = Field(default=50, ge=0, le=100)
    healthy_from: int = Field(default=75, ge=0, le=100)

    @model_validator(mode="after")
    def _consistent(self) -> HealthScore:
        total = sum(component.weight for component in self.components)
        if total != 100:
            raise ValueError(f"health component weights must sum to 100, not {total}")
        if self.at_risk_below > self.healthy_from:
            raise ValueError("at_risk_below must not be above healthy_from")
        return self


class RenewalPolicy(SpecModel):
    """When renewal work starts: windows in days before the term ends, e.g. 120/90/60."""

    windows_days: list[int] = Field(min_length=1)
    owner_role: Identifier
    pipeline: Identifier | None = Field(
        default=None, description="The renewal pipeline renewal opportunities are created in."
    )

    @field_validator("windows_days")
    @classmethod
    def _descending(cls, windows: list[int]) -> list[int]:
        if any(days < 1 for days in windows):
            raise ValueError("renewal windows are positive numbers of days before the term ends")
        if windows != sorted(set(windows), reverse=True):
            raise ValueError(
                "renewal windows are distinct and listed earliest first, e.g. [120, 90, 60]"
            )
        return windows


class ExpansionTrigger(SpecModel):
    """An account signal that should open an expansion conversation."""

    id: Identifier
    label: str | None = None
    when: Condition = Field(description="Tested against account fields.")
    pipeline: Identifier | None = Field(
        default=None, description="Open an opportunity in this pipeline when it fires."
    )


class ChurnRiskSignal(SpecModel):
    """An account signal that the customer may not renew."""

    id: Identifier
    label: str | None = None
    when: Condition = Field(description="Tested against account fields.")
    severity: Literal["low", "medium", "high"] = "medium"


class RetentionTargets(SpecModel):
    """Gross and net revenue retention targets, in percent of starting ARR."""

    grr_percent: Percent
    nrr_percent: float = Field(ge=0, le=300)

    @model_validator(mode="after")
    def _nrr_includes_grr(self) -> RetentionTargets:
        if self.nrr_percent < self.grr_percent:
            raise ValueError("nrr_percent cannot be below grr_percent (NRR adds expansion to GRR)")
        return self


class LifecycleSpec(SpecModel):
    """The lifecycle-expansion dimension."""

    onboarding: list[OnboardingMilestone] = Field(default_factory=list)
    health_score: HealthScore | None = None
    renewal: RenewalPolicy | None = None
    expansion_triggers: list[ExpansionTrigger] = Field(default_factory=list)
    churn_risk_signals: list[ChurnRiskSignal] = Field(default_factory=list)
    retention_targets: RetentionTargets | None = None

    def is_empty(self) -> bool:
        """True when nothing about the customer lifecycle is defined."""
        return not (
            self.onboarding
            or self.health_score
            or self.renewal
            or self.expansion_triggers
            or self.churn_risk_signals
            or self.retention_targets
        )
