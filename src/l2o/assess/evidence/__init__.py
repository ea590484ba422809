"""Evidence ("shown"): the rubric's metrics computed from a company's data, without I/O.

The services read :class:`EvidenceFacts` from the store; :func:`compute_evidence` turns them
into one :class:`~l2o.assess.MetricValue` per metric the rubric names, each with the sample
it was measured on. Where the data cannot show a metric (no stage history, no quotes, no
renewals) its value is ``None`` with ``n=0``: the rubric then reports insufficient evidence::

    from l2o.assess.evidence import EvidenceFacts, compute_evidence, policy_from_spec

    evidence = compute_evidence(facts, policy_from_spec(spec))
"""

from l2o.assess.evidence.commercial import commercial_metrics
from l2o.assess.evidence.data_quality import (
    MODEL_FIELDS,
    PICKLIST_FIELDS,
    data_quality,
    picklist_consistency,
)
from l2o.assess.evidence.facts import (
    AccountFacts,
    DataQualityFacts,
    DealFacts,
    EvidenceFacts,
    LeadFacts,
    QuoteFacts,
    RenewalFacts,
    StageFacts,
)
from l2o.assess.evidence.icp import icp_metrics
from l2o.assess.evidence.lifecycle import lifecycle_metrics, retention
from l2o.assess.evidence.pipeline import pipeline_metrics, stall_limits
from l2o.assess.evidence.policy import Policy, policy_from_spec
from l2o.assess.evidence.pricing import out_of_policy, pricing_metrics
from l2o.assess.evidence.signals import score_auc, signal_metrics
from l2o.assess.results import MetricValue

__all__ = [
    "MODEL_FIELDS",
    "PICKLIST_FIELDS",
    "AccountFacts",
    "DataQualityFacts",
    "DealFacts",
    "EvidenceFacts",
    "LeadFacts",
    "Policy",
    "QuoteFacts",
    "RenewalFacts",
    "StageFacts",
    "compute_evidence",
    "data_quality",
    "out_of_policy",
    "picklist_consistency",
    "policy_from_spec",
    "retention",
    "score_auc",
    "stall_limits",
]


def compute_evidence(facts: EvidenceFacts, policy: Policy | None = None) -> list[MetricValue]:
    """Every evidence metric L2O knows, computed from ``facts`` under ``policy``.

    The rubric decides which of them count and how: keep the ones it names
    (``rubric.dimension_of(metric.name)``) before :func:`~l2o.assess.score_assessment`.
    """
    policy = policy or Policy()
    metrics: list[MetricValue] = []
    for measure in (
        icp_metrics,
        pipeline_metrics,
        signal_metrics,
        commercial_metrics,
        pricing_metrics,
        lifecycle_metrics,
    ):
        metrics.extend(measure(facts, policy))
    return metrics
