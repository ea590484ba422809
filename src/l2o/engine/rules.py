"""Every rule of a spec compiled once, for the services to hold for the life of a spec.

>>> rules = EngineRules.from_spec(load_spec("architecture.yaml"))      # doctest: +SKIP
>>> rules.gates.check(deal, "negotiation", related=facts).allowed    # doctest: +SKIP

Learned scoring is optional: ``lead_conversion`` and ``deal_win`` are ``None`` unless the
services hand over a :class:`LearnedScoring` (on, or off with the AI-readiness gate's
reasons); see :mod:`l2o.engine.learned_scoring`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from l2o.domain import Account, Lead, Opportunity, Touchpoint
from l2o.engine.discount_policy import DiscountPolicy
from l2o.engine.handoff_sla import HandoffSlas
from l2o.engine.icp_fit import IcpModel
from l2o.engine.lead_scoring import LeadScorer
from l2o.engine.lead_stages import LeadLifecycle
from l2o.engine.learned_scoring import LearnedScoring
from l2o.engine.lifecycle import LifecycleRules
from l2o.engine.routing import LeadRouter
from l2o.engine.routing_pools import WorkingHours
from l2o.engine.stage_gates import StageGates
from l2o.engine.workflows import WorkflowRules
from l2o.spec.architecture import ArchitectureSpec

__all__ = ["DealWinScoring", "EngineRules", "LeadConversionScoring"]

# Type aliases only: build a scoring with ``LearnedScoring(...)`` (calling a subscripted
# generic would set ``__orig_class__`` on a frozen, slotted instance).
#: The lead-conversion model, called with ``(lead, account, touches, at)``.
LeadConversionScoring = LearnedScoring[[Lead, Account | None, Sequence[Touchpoint], datetime]]
#: The deal-win model, called with ``(deal, account, owner_role, amount_at_creation)``.
DealWinScoring = LearnedScoring[[Opportunity, Account | None, str | None, float | None]]


@dataclass(frozen=True, slots=True)
class EngineRules:
    """The compiled rules of one spec: ICP, scoring, lead stages, routing, SLAs, gates,
    pricing, lifecycle and workflows - and, where the services loaded them, the learned
    lead-conversion and deal-win scoring as the AI-readiness gate left it."""

    spec: ArchitectureSpec
    icp: IcpModel
    scoring: LeadScorer
    lead_stages: LeadLifecycle
    routing: LeadRouter
    slas: HandoffSlas
    gates: StageGates
    pricing: DiscountPolicy
    lifecycle: LifecycleRules
    workflows: WorkflowRules
    lead_conversion: LeadConversionScoring | None = None
    deal_win: DealWinScoring | None = None

    @classmethod
    def from_spec(
        cls,
        spec: ArchitectureSpec,
        *,
        working_hours: Mapping[str, WorkingHours] | None = None,
        away: Collection[str] = (),
        lead_conversion: LeadConversionScoring | None = None,
        deal_win: DealWinScoring | None = None,
    ) -> EngineRules:
        """Compile every rule of ``spec``; raises if a rule names an unknown field.

        ``lead_conversion`` and ``deal_win`` are the learned scorings (``None``: no model
        was asked for, nothing is said about one)."""
        scoring = LeadScorer(spec)
        return cls(
            spec=spec,
            icp=IcpModel(spec),
            scoring=scoring,
            lead_stages=LeadLifecycle(spec, scoring),
            routing=LeadRouter(spec, working_hours=working_hours, away=away),
            slas=HandoffSlas(spec),
            gates=StageGates(spec),
            pricing=DiscountPolicy(spec),
            lifecycle=LifecycleRules(spec),
            workflows=WorkflowRules(spec),
            lead_conversion=lead_conversion,
            deal_win=deal_win,
        )

    def with_learned(
        self,
        *,
        lead_conversion: LeadConversionScoring | None = None,
        deal_win: DealWinScoring | None = None,
    ) -> EngineRules:
        """The same rules with these learned scorings (``None`` keeps the current one)."""
        return replace(
            self,
            lead_conversion=lead_conversion or self.lead_conversion,
            deal_win=deal_win or self.deal_win,
        )
