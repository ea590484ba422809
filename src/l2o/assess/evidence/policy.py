"""What the architecture spec says the evidence is measured against, with stated defaults.

Some metrics need a rule to measure against: a stall limit, the discount a rep may give
without approval, the routing SLA, the roles the coverage model assigns, the retention
targets. With a spec these come from it; without one the metric uses the default below,
and says so in its definition (``Policy.sources`` names where every value came from)::

    policy = policy_from_spec(load_spec("architecture.yaml"))
    policy.approval_threshold_pct      # 15.0, from pricing.discount_matrix
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from l2o.spec import ArchitectureSpec

__all__ = [
    "DEFAULT_APPROVAL_THRESHOLD_PCT",
    "DEFAULT_GRR_TARGET",
    "DEFAULT_OWNER_ROLES",
    "DEFAULT_ROUTING_SLA_MINUTES",
    "Policy",
    "policy_from_spec",
]

DEFAULT_APPROVAL_THRESHOLD_PCT = 15.0
"""Without a spec: a discount above 15% of list needs an approval (a common rep band)."""
DEFAULT_ROUTING_SLA_MINUTES = 60.0
"""Without a spec: a lead should reach an owner within an hour."""
DEFAULT_GRR_TARGET = 0.90
"""Without a spec: the gross revenue retention a B2B subscription business aims for."""
DEFAULT_OWNER_ROLES: Mapping[str, frozenset[str]] = {
    "new": frozenset({"ae"}),
    "existing": frozenset({"am", "csm"}),
}
"""Without a spec: AEs own first sales; account managers (or CSMs) own existing customers."""


@dataclass(frozen=True)
class Policy:
    """The rules the evidence is measured against (see the module docstring)."""

    stall_limit_days: Mapping[str, int] = field(default_factory=dict)
    """Max days in stage by stage id; a stage without one uses 3x its median stay."""
    stage_order: tuple[str, ...] = ()
    """Open stages in pipeline order from the spec; empty: inferred from the data."""
    approval_threshold_pct: float = DEFAULT_APPROVAL_THRESHOLD_PCT
    routing_sla_minutes: float = DEFAULT_ROUTING_SLA_MINUTES
    top_tiers: frozenset[str] = frozenset()
    """Tier ids of rank 1; empty: the recorded tier that sorts first (e.g. ``tier_1``)."""
    owner_roles: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: dict(DEFAULT_OWNER_ROLES)
    )
    grr_target: float = DEFAULT_GRR_TARGET
    currency: str = "USD"
    sources: Mapping[str, str] = field(default_factory=dict)
    """Where each rule came from: ``"spec"`` or ``"default"``, by field name."""


def policy_from_spec(spec: ArchitectureSpec | None) -> Policy:
    """The policy a spec states; every rule it does not state keeps its default."""
    if spec is None:
        return Policy(sources=dict.fromkeys(_RULES, "default"))
    sources = dict.fromkeys(_RULES, "default")
    values: dict[str, object] = {"currency": spec.company.currency}

    pipelines = spec.pipeline.pipelines if spec.pipeline else []
    stall = {
        stage.id: stage.max_days_in_stage
        for pipeline in pipelines
        for stage in pipeline.stages
        if stage.max_days_in_stage is not None
    }
    if stall:
        values["stall_limit_days"], sources["stall_limit_days"] = stall, "spec"
    new_business = [p for p in pipelines if p.deal_type == "new_business"]
    if new_business:
        order = tuple(s.id for s in new_business[0].stages if s.outcome == "open")
        values["stage_order"], sources["stage_order"] = order, "spec"

    bands = spec.pricing.discount_matrix if spec.pricing else []
    free = [
        band.discount_percent.up_to
        for band in bands
        if not band.approvers and band.discount_percent.up_to is not None
    ]
    if free:
        values["approval_threshold_pct"] = float(max(free))
        sources["approval_threshold_pct"] = "spec"

    slas = spec.signals.slas if spec.signals else []
    if slas:
        values["routing_sla_minutes"] = float(min(s.respond_within_minutes for s in slas))
        sources["routing_sla_minutes"] = "spec"

    tiers = spec.icp.tiers if spec.icp else []
    if tiers:
        best = min(t.rank for t in tiers)
        values["top_tiers"] = frozenset(t.id for t in tiers if t.rank == best)
        sources["top_tiers"] = "spec"

    roles = dict(DEFAULT_OWNER_ROLES)
    commercial = spec.commercial
    coverage = {r for s in commercial.segments for r in s.coverage} if commercial else set()
    territory_roles = (
        {t.owner_role for t in commercial.territories if t.owner_role} if commercial else set()
    )
    if territory_roles:
        roles["new"] = frozenset(territory_roles)
        sources["owner_roles"] = "spec"
    lifecycle = spec.lifecycle
    if lifecycle is not None and lifecycle.renewal is not None:
        existing = {lifecycle.renewal.owner_role} | ({"am", "csm"} & coverage)
        roles["existing"] = frozenset(existing)
        sources["owner_roles"] = "spec"
    values["owner_roles"] = roles

    targets = lifecycle.retention_targets if lifecycle else None
    if targets is not None:
        values["grr_target"], sources["grr_target"] = float(targets.grr_percent) / 100, "spec"
    return Policy(sources=sources, **values)  # type: ignore[arg-type]


_RULES = (
    "stall_limit_days",
    "stage_order",
    "approval_threshold_pct",
    "routing_sla_minutes",
    "top_tiers",
    "owner_roles",
    "grr_target",
)
