"""Pipeline evidence: exit criteria at advances, skipped stages, stalls, slipping close dates."""

from __future__ import annotations

import numpy as np

from l2o.assess.evidence._measure import share_of
from l2o.assess.evidence.facts import EvidenceFacts, StageFacts
from l2o.assess.evidence.policy import Policy
from l2o.assess.results import MetricValue

__all__ = ["STALL_MEDIAN_MULTIPLE", "pipeline_metrics", "stall_limits"]

STALL_MEDIAN_MULTIPLE = 3.0
"""Without a spec limit, a stay is stalled past this many times the stage's median stay."""


def stall_limits(stages: StageFacts, policy: Policy) -> dict[str, float]:
    """Days in stage after which a deal is stalled, by stage: the spec's, else 3x the median."""
    limits: dict[str, float] = {}
    for stage in sorted({str(s) for s in stages.visit_stage}):
        if stage in policy.stall_limit_days:
            limits[stage] = float(policy.stall_limit_days[stage])
            continue
        days = stages.visit_days[stages.visit_stage == stage]
        if days.size:
            limits[stage] = STALL_MEDIAN_MULTIPLE * float(np.median(days))
    return limits


def pipeline_metrics(facts: EvidenceFacts, policy: Policy) -> list[MetricValue]:
    """The pipeline metrics: exit criteria, stage skips, stalls, close-date slips, loss reasons."""
    stages, deals = facts.stages, facts.deals
    recorded = met = 0
    for (_, to_stage, criteria), count in stages.transitions.items():
        if criteria is None or to_stage not in _advance_targets(stages, policy):
            continue
        recorded += count
        met += count if criteria else 0
    metrics = [share_of("exit_criteria_met_share", met, recorded)]
    metrics.append(_stage_skips(stages, policy))
    metrics.append(_stalls(stages, policy))
    closed = deals.is_closed
    if deals.close_date_changes > 0:
        pushed = int((deals.close_date_pushed & closed).sum())
        metrics.append(share_of("close_date_slip_share", pushed, int(closed.sum())))
    else:
        metrics.append(MetricValue("close_date_slip_share", None, 0))
    lost = closed & ~deals.is_won
    captured = int((deals.has_loss_reason & lost).sum())
    metrics.append(share_of("loss_reason_captured_share", captured, int(lost.sum())))
    return metrics


def _order(stages: StageFacts, policy: Policy) -> tuple[str, ...]:
    return policy.stage_order or stages.open_stages


def _advance_targets(stages: StageFacts, policy: Policy) -> set[str]:
    return set(_order(stages, policy)) | set(stages.won_stages)


def _stage_skips(stages: StageFacts, policy: Policy) -> MetricValue:
    order = _order(stages, policy)
    position = {stage: i for i, stage in enumerate(order)}
    advances = skipped = 0
    for (from_stage, to_stage, _), count in stages.transitions.items():
        if from_stage not in position:
            continue
        target = len(order) if to_stage in stages.won_stages else position.get(to_stage)
        if target is None or target <= position[from_stage]:
            continue
        advances += count
        skipped += count if target - position[from_stage] > 1 else 0
    return share_of("stage_skip_share", skipped, advances)


def _stalls(stages: StageFacts, policy: Policy) -> MetricValue:
    if stages.visit_days.size == 0:
        return MetricValue("stalled_share", None, 0)
    limits = stall_limits(stages, policy)
    limit = np.array([limits.get(str(s), np.inf) for s in stages.visit_stage], dtype=float)
    stalled = int((stages.visit_days > limit).sum())
    return share_of("stalled_share", stalled, int(stages.visit_days.size))
