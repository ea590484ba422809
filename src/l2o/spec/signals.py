"""Signal design: how a lead becomes a sales conversation, and how fast someone acts on it.

Lead lifecycle stages with score thresholds (lead → MQL → SQL), the scoring model, routing,
hand-off SLAs, and the attribution model used to credit marketing touches.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from l2o.spec._base import Identifier, SpecModel
from l2o.spec.lead_routing import LeadRouting
from l2o.spec.lead_scoring import LeadScoring

__all__ = [
    "Attribution",
    "AttributionModel",
    "HandoffSla",
    "LeadStage",
    "SignalsSpec",
]

AttributionModel = Literal[
    "first_touch",
    "last_touch",
    "linear",
    "time_decay",
    "position_based",
    "w_shaped",
    "markov",
    "shapley",
]


class LeadStage(SpecModel):
    """A lead lifecycle stage, entered when the lead's scores reach the thresholds given."""

    id: Identifier
    label: str | None = None
    min_score: int | None = Field(default=None, ge=0)
    min_fit_score: int | None = Field(default=None, ge=0)
    min_engagement_score: int | None = Field(default=None, ge=0)


class HandoffSla(SpecModel):
    """How fast the owner role must act once a lead enters a lifecycle stage."""

    id: Identifier
    lead_stage: Identifier
    owner_role: Identifier
    respond_within_minutes: int = Field(ge=1)
    escalate_to: Identifier | None = Field(
        default=None, description="The role told when the SLA is missed."
    )


class Attribution(SpecModel):
    """How pipeline and revenue are credited to the marketing touches before them."""

    model: AttributionModel
    lookback_days: int = Field(default=90, ge=1)
    half_life_days: float | None = Field(
        default=None, gt=0, description="Credit halves per this many days (time_decay only)."
    )

    @model_validator(mode="after")
    def _half_life_for_time_decay(self) -> Attribution:
        if (self.model == "time_decay") != (self.half_life_days is not None):
            raise ValueError("half_life_days is set for, and only for, the time_decay model")
        return self


class SignalsSpec(SpecModel):
    """The signal-design dimension."""

    lead_stages: list[LeadStage] = Field(default_factory=list)
    scoring: LeadScoring | None = None
    routing: LeadRouting | None = None
    slas: list[HandoffSla] = Field(default_factory=list)
    attribution: Attribution | None = None

    def is_empty(self) -> bool:
        """True when nothing about signals is defined."""
        return not (
            self.lead_stages or self.scoring or self.routing or self.slas or self.attribution
        )
