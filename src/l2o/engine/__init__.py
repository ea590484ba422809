"""The engine: pure decisions from the architecture spec and revenue records.

Each rule takes the spec (compiled once) and records, and returns a small frozen decision
that explains itself in :class:`Reason` lines a person reads. Nothing here reads or writes
a database, sends a message or looks at the clock: the time is always an argument, state
(routing pools) comes in and goes out, and the services apply the decisions.

==========================  =================================================================
rule                        entry point
==========================  =================================================================
conditions                  :func:`compile_condition`, :func:`evaluate`, :class:`RecordFields`
ICP fit                     :class:`IcpModel` (``fit_account``, ``fit_lead``, ``persona_for``)
lead scoring                :class:`LeadScorer` (``score``)
lead lifecycle              :class:`LeadLifecycle` (``transitions``)
routing and SLAs            :class:`LeadRouter` (``route``), :class:`HandoffSlas`
stage gates and stalls      :class:`StageGates` (``check``, ``stalled``)
pricing governance          :class:`DiscountPolicy` (``chain``), :func:`can_approve`,
                            :func:`can_order`
lifecycle expansion         :class:`LifecycleRules`, :func:`account_facts`
workflows                   :class:`WorkflowRules` (``fire``)
learned scoring             :class:`LearnedScoring` (``probability``), :class:`ProbabilityScorer`
all of them                 :class:`EngineRules` (``from_spec``)
==========================  =================================================================
"""

from l2o.engine.account_facts import account_facts
from l2o.engine.actions import (
    PlannedAction,
    PlannedEnrolment,
    PlannedFieldUpdate,
    PlannedNotification,
    PlannedTask,
    PlannedWebhook,
)
from l2o.engine.conditions import CompiledCondition, compile_condition, describe, evaluate
from l2o.engine.discount_policy import ApprovalChain, ApprovalStep, DiscountPolicy
from l2o.engine.errors import EngineError, MissingFieldError, UnknownFieldError
from l2o.engine.explain import Reason, render
from l2o.engine.handoff_sla import HandoffSlas, SlaClock, SlaStatus
from l2o.engine.icp_fit import IcpFit, IcpModel, PersonaMatch, TierFit
from l2o.engine.lead_context import lead_derived_fields
from l2o.engine.lead_scoring import GroupScore, LeadScore, LeadScorer, decay_factor
from l2o.engine.lead_stages import LeadLifecycle, LeadStageDecision, StageReached
from l2o.engine.learned_scoring import (
    DealFeatureBuilder,
    LeadFeatureBuilder,
    LearnedProbability,
    LearnedScoring,
    ProbabilityScorer,
    ScoreDriver,
)
from l2o.engine.lifecycle import (
    ChurnRisk,
    ExpansionSignal,
    HealthComponentScore,
    HealthScore,
    LifecycleRules,
    RenewalDue,
)
from l2o.engine.quote_approval import ApprovalCheck, OrderDecision, can_approve, can_order
from l2o.engine.record_fields import RecordFields
from l2o.engine.routing import Alternative, LeadRouter, RoutingDecision
from l2o.engine.routing_pools import PoolState, WorkingHours
from l2o.engine.rules import DealWinScoring, EngineRules, LeadConversionScoring
from l2o.engine.stage_gates import (
    GateDecision,
    MissingCriterion,
    Override,
    StageGate,
    StageGates,
    StallCheck,
)
from l2o.engine.workflows import WorkflowPlan, WorkflowRules, WorkflowRun

__all__ = [
    "Alternative",
    "ApprovalChain",
    "ApprovalCheck",
    "ApprovalStep",
    "ChurnRisk",
    "CompiledCondition",
    "DealFeatureBuilder",
    "DealWinScoring",
    "DiscountPolicy",
    "EngineError",
    "EngineRules",
    "ExpansionSignal",
    "GateDecision",
    "GroupScore",
    "HandoffSlas",
    "HealthComponentScore",
    "HealthScore",
    "IcpFit",
    "IcpModel",
    "LeadConversionScoring",
    "LeadFeatureBuilder",
    "LeadLifecycle",
    "LeadRouter",
    "LeadScore",
    "LeadScorer",
    "LeadStageDecision",
    "LearnedProbability",
    "LearnedScoring",
    "LifecycleRules",
    "MissingCriterion",
    "MissingFieldError",
    "OrderDecision",
    "Override",
    "PersonaMatch",
    "PlannedAction",
    "PlannedEnrolment",
    "PlannedFieldUpdate",
    "PlannedNotification",
    "PlannedTask",
    "PlannedWebhook",
    "PoolState",
    "ProbabilityScorer",
    "Reason",
    "RecordFields",
    "RenewalDue",
    "RoutingDecision",
    "ScoreDriver",
    "SlaClock",
    "SlaStatus",
    "StageGate",
    "StageGates",
    "StageReached",
    "StallCheck",
    "TierFit",
    "UnknownFieldError",
    "WorkflowPlan",
    "WorkflowRules",
    "WorkflowRun",
    "WorkingHours",
    "account_facts",
    "can_approve",
    "can_order",
    "compile_condition",
    "decay_factor",
    "describe",
    "evaluate",
    "lead_derived_fields",
    "render",
]
