"""Lifecycle evidence: renewals on time, retention, health-score coverage, renewal lead time."""

from __future__ import annotations

from l2o.assess.evidence._measure import median_of, share_of
from l2o.assess.evidence.facts import EvidenceFacts
from l2o.assess.evidence.policy import Policy
from l2o.assess.results import MetricValue

__all__ = ["lifecycle_metrics", "retention"]


def retention(facts: EvidenceFacts) -> tuple[float | None, float | None, int]:
    """Gross and net revenue retention over the customers of a year ago, and their number."""
    then, now = facts.renewals.arr_then, facts.renewals.arr_now
    base = float(then.sum())
    if base <= 0:
        return None, None, int(then.size)
    kept = float(now.clip(max=then).sum())
    return kept / base, float(now.sum()) / base, int(then.size)


def lifecycle_metrics(facts: EvidenceFacts, policy: Policy) -> list[MetricValue]:
    """The lifecycle metrics: renewals on time, GRR, NRR, health coverage, renewal lead days."""
    renewals, accounts = facts.renewals, facts.accounts
    on_time = int((renewals.renewal_days_late <= 0).sum())
    grr, nrr, customers = retention(facts)
    return [
        share_of(
            "renewals_closed_before_term_end_share", on_time, int(renewals.renewal_days_late.size)
        ),
        MetricValue("grr", grr, customers),
        MetricValue("nrr", nrr, customers),
        share_of(
            "health_score_coverage_share", accounts.customers_with_health, accounts.active_customers
        ),
        median_of("renewal_lead_days", renewals.renewal_lead_days),
    ]
