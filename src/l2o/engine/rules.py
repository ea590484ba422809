"""Every rule of a spec compiled once, for the services to hold for the life of a spec.

>>> rules = EngineRules.from_spec(load_spec("architecture.yaml"))      # doctest: +SKIP
>>> rules.gates.check(deal, "negotiation", related=facts).allowed    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from l2o.engine.discount_policy import DiscountPolicy
from l2o.engine.handoff_sla import HandoffSlas
from l2o.engine.icp_fit import IcpModel
from l2o.engine.lead_scoring import LeadScorer
from l2o.engine.lead_stages import LeadLifecycle
from l2o.engine.lifecycle import LifecycleRules
from l2o.engine.routing import LeadRouter
from l2o.engine.routing_pools import WorkingHours
from l2o.engine.stage_gates import StageGates
from l2o.engine.workflows import WorkflowRules
from l2o.spec.architecture import ArchitectureSpec

__all__ = ["EngineRules"]


@dataclass(frozen=True, slots=True)
class EngineRules:
    """The compiled rules of one spec: ICP, scoring, lead stages, routing, SLAs, gates,
    pricing, lifecycle and workflows."""

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

    @classmethod
    def from_spec(
        cls,
        spec: ArchitectureSpec,
        *,
        working_hours: Mapping[str, WorkingHours] | None = None,
        away: Collection[str] = (),
    ) -> EngineRules:
        """Compile every rule of ``spec``; raises if a rule names an unknown field."""
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
        )
