"""Signal evidence: speed to lead, routing within the SLA, lead source, lifecycle stamps, score."""

from __future__ import annotations

from collections.abc import Mapping

from l2o.assess.evidence._measure import median_of, share_of
from l2o.assess.evidence.facts import EvidenceFacts
from l2o.assess.evidence.policy import Policy
from l2o.assess.results import MetricValue

__all__ = ["NEVER_TOUCHED_HOURS", "score_auc", "signal_metrics"]

NEVER_TOUCHED_HOURS = 24.0 * 365
"""A lead never touched counts as touched after a year: slower than any threshold."""


def signal_metrics(facts: EvidenceFacts, policy: Policy) -> list[MetricValue]:
    """The signal metrics: speed to lead, routed within SLA, source, stamps and score AUC."""
    leads = facts.leads
    sla_hours = policy.routing_sla_minutes / 60
    within = int((leads.routing_hours <= sla_hours).sum())
    auc, scored = score_auc(leads.score_histogram)
    return [
        median_of("median_speed_to_lead_hours", leads.speed_to_lead_hours, cap=NEVER_TOUCHED_HOURS),
        share_of("routed_within_sla_share", within, int(leads.routing_hours.size)),
        share_of("lead_source_captured_share", leads.with_source, leads.total),
        share_of("lifecycle_stamped_share", leads.progressed_stamped, leads.progressed),
        MetricValue("lead_score_auc", auc, scored),
    ]


def score_auc(histogram: Mapping[int, tuple[int, int]]) -> tuple[float | None, int]:
    """How well the lead score ranks converting leads above the rest (ROC AUC), and over
    how many scored leads; ties count half. ``None`` without both outcomes.

    >>> score_auc({10: (50, 0), 90: (50, 50)})
    (1.0, 100)
    """
    total = sum(n for n, _ in histogram.values())
    positives = sum(k for _, k in histogram.values())
    negatives = total - positives
    if positives == 0 or negatives == 0:
        return None, total
    below_negatives = 0.0
    wins = 0.0
    for score in sorted(histogram):
        n, k = histogram[score]
        neg = n - k
        wins += k * (below_negatives + neg / 2)
        below_negatives += neg
    return wins / (positives * negatives), total
