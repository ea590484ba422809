"""Pricing evidence: discount spread, unapproved out-of-policy discounts, quarter-end spikes."""

from __future__ import annotations

import numpy as np

from l2o.assess.evidence._measure import share_of
from l2o.assess.evidence.facts import EvidenceFacts
from l2o.assess.evidence.policy import Policy
from l2o.assess.results import MetricValue

__all__ = ["MIN_GROUP", "out_of_policy", "pricing_metrics"]

MIN_GROUP = 5
"""Quotes a group of like deals (or a side of the quarter-end split) needs to count."""


def out_of_policy(discount: np.ndarray, policy: Policy) -> np.ndarray:
    """Which discounts (fractions of list) exceed what a rep may give without approval."""
    return np.asarray(discount * 100 > policy.approval_threshold_pct + 1e-9, dtype=bool)


def pricing_metrics(facts: EvidenceFacts, policy: Policy) -> list[MetricValue]:
    """The pricing metrics: dispersion, unapproved out-of-policy share, spike, realisation."""
    quotes = facts.quotes
    beyond = out_of_policy(quotes.discount, policy)
    unapproved = int((beyond & ~quotes.approved).sum())
    list_total = float(quotes.list_total.sum())
    realisation = (
        1 - float((quotes.list_total * quotes.discount).sum()) / list_total
        if list_total > 0
        else None
    )
    return [
        _dispersion(quotes.discount, quotes.segment),
        share_of("unapproved_out_of_policy_share", unapproved, int(beyond.sum())),
        _quarter_end_spike(quotes.discount, quotes.quarter_end),
        MetricValue("price_realisation", realisation, quotes.size),
    ]


def _dispersion(discount: np.ndarray, segment: np.ndarray) -> MetricValue:
    keys = np.array([str(s) for s in segment], dtype=object)
    spreads, weights = [], []
    for key in sorted(set(keys)):
        group = discount[keys == key]
        if group.size >= MIN_GROUP:
            spreads.append(float(np.std(group, ddof=1)))
            weights.append(group.size)
    if not weights:
        return MetricValue("discount_dispersion", None, int(discount.size))
    value = float(np.average(spreads, weights=weights))
    return MetricValue("discount_dispersion", value, int(sum(weights)))


def _quarter_end_spike(discount: np.ndarray, quarter_end: np.ndarray) -> MetricValue:
    late, rest = discount[quarter_end], discount[~quarter_end]
    n = int(discount.size)
    if late.size < MIN_GROUP or rest.size < MIN_GROUP or float(rest.mean()) <= 0:
        return MetricValue("quarter_end_discount_spike", None, n)
    return MetricValue("quarter_end_discount_spike", float(late.mean() / rest.mean()), n)
