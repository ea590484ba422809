"""The data-quality inputs of AI readiness, from counts the services read.

- *model fields completeness*: of the field values scoring and forecasting models need
  (:data:`MODEL_FIELDS`), the share populated;
- *duplicate rate*: the share of leads, contacts and accounts that duplicate another record
  (merged into a master, or sharing an e-mail address or domain with an earlier record);
- *stage history share*: the share of deals with at least one recorded stage change;
- *picklist consistency*: of the values in categorical fields (:data:`PICKLIST_FIELDS`), the
  share spelled as the field's picklist. Without a defined picklist a field's picklist is
  taken to be the values that each hold at least :data:`PICKLIST_MIN_SHARE` of its records,
  so rare variants (``SEO`` beside ``Organic Search``) count as inconsistent.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from l2o.assess.evidence.facts import EvidenceFacts
from l2o.assess.readiness import DataQuality

__all__ = [
    "MODEL_FIELDS",
    "PICKLIST_FIELDS",
    "PICKLIST_MIN_SHARE",
    "data_quality",
    "picklist_consistency",
]

MODEL_FIELDS: Mapping[str, tuple[str, ...]] = {
    "leads": ("lead_source", "country", "title", "phone", "owner_id"),
    "accounts": ("industry", "employees", "annual_revenue", "country", "domain"),
    "opportunities": ("amount", "close_date", "owner_id", "account_id"),
}
"""The fields scoring and forecasting models need, by record type."""

PICKLIST_FIELDS = ("leads.lead_source", "accounts.industry", "opportunities.loss_reason")
"""The categorical fields whose spelling is checked."""

PICKLIST_MIN_SHARE = 0.03
"""Without a defined picklist, a value holding less than this share of a field is a variant."""


def picklist_consistency(values: Mapping[str, Mapping[str, int]]) -> tuple[float | None, int]:
    """The share of categorical values spelled as their field's picklist, and how many values.

    >>> picklist_consistency({"lead_source": {"Web": 97, "web ": 3}})[0]
    0.97
    """
    total = consistent = 0
    for counts in values.values():
        field_total = sum(counts.values())
        if field_total == 0:
            continue
        total += field_total
        consistent += sum(n for n in counts.values() if n >= PICKLIST_MIN_SHARE * field_total)
    return (consistent / total if total else None), total


def data_quality(facts: EvidenceFacts) -> DataQuality:
    """The four data-quality inputs over the records they were measured on."""
    dq = facts.data_quality
    deals = facts.deals
    consistency, _ = picklist_consistency(dq.picklist_values)
    return DataQuality(
        model_fields_completeness=dq.fields_filled / dq.fields_needed if dq.fields_needed else None,
        duplicate_rate=dq.duplicates / dq.records if dq.records else None,
        stage_history_share=float(np.mean(deals.has_stage_history)) if deals.size else None,
        picklist_consistency=consistency,
        n=dq.records,
    )
