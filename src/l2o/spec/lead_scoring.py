"""Lead scoring: fit points from who the lead is, engagement points from what it does.

Each group caps the points it can contribute; engagement points decay with a half-life so a
burst of activity last year does not keep a lead hot today.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from l2o.spec._base import Identifier, SpecModel
from l2o.spec.conditions import Condition

__all__ = ["EngagementEvent", "LeadScoring", "ScoreGroup", "ScoreRule"]

EngagementEvent = Literal[
    "web_visit",
    "pricing_page_visit",
    "email_open",
    "email_click",
    "form_submit",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "event_attended",
    "demo_request",
    "trial_signup",
    "product_usage",
    "meeting_booked",
    "unsubscribe",
]
"""Activities a lead can do that engagement rules give points for."""


class ScoreRule(SpecModel):
    """Points for a lead: fit rules test lead fields (``when``), engagement rules an ``event``.

    Points may be negative (e.g. a personal email domain, an unsubscribe).
    """

    id: Identifier
    points: int = Field(ge=-100, le=100)
    when: Condition | None = None
    event: EngagementEvent | None = None

    @model_validator(mode="after")
    def _one_trigger(self) -> ScoreRule:
        if (self.when is None) == (self.event is None):
            raise ValueError("a scoring rule needs exactly one of 'when' (fit) or 'event'")
        return self


class ScoreGroup(SpecModel):
    """A group of rules whose points add up to at most ``cap``."""

    id: Identifier
    kind: Literal["fit", "engagement"]
    cap: int = Field(ge=1, le=1000)
    decay_half_life_days: float | None = Field(
        default=None, gt=0, description="Engagement points halve after this many days."
    )
    rules: list[ScoreRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _decay_only_on_engagement(self) -> ScoreGroup:
        if self.kind == "fit" and self.decay_half_life_days is not None:
            raise ValueError("fit points do not decay: decay_half_life_days is for engagement")
        return self


class LeadScoring(SpecModel):
    """The scoring model: groups of fit and engagement rules."""

    groups: list[ScoreGroup] = Field(default_factory=list)

    def max_score(self) -> int:
        """The highest score a lead can reach: the sum of the group caps."""
        return sum(group.cap for group in self.groups)
