"""Commercial evidence: line items, price-book prices, deal types, owners per coverage model."""

from __future__ import annotations

import numpy as np

from l2o.assess.evidence._measure import share_of
from l2o.assess.evidence.facts import EvidenceFacts
from l2o.assess.evidence.policy import Policy
from l2o.assess.results import MetricValue

__all__ = ["commercial_metrics"]

_EXISTING_TYPES = frozenset({"expansion", "renewal"})


def commercial_metrics(facts: EvidenceFacts, policy: Policy) -> list[MetricValue]:
    """The commercial metrics: line items, price-book adherence, deal type, owner role."""
    deals, quotes = facts.deals, facts.quotes
    won_new = deals.is_won & (deals.kind == "new")
    existing = deals.kind == "existing"
    typed = np.array([t in _EXISTING_TYPES for t in deals.recorded_type], dtype=bool)
    owned = np.array([r is not None for r in deals.owner_role], dtype=bool)
    matches = np.array(
        [
            role is not None and role in policy.owner_roles.get(str(kind), frozenset())
            for role, kind in zip(deals.owner_role, deals.kind, strict=True)
        ],
        dtype=bool,
    )
    return [
        share_of(
            "deals_with_line_items_share",
            int((deals.has_line_items & won_new).sum()),
            int(won_new.sum()),
        ),
        share_of("price_book_adherence_share", quotes.lines_on_book, quotes.lines),
        share_of("deal_type_captured_share", int((typed & existing).sum()), int(existing.sum())),
        share_of("owner_role_matches_coverage_share", int(matches.sum()), int(owned.sum())),
    ]
