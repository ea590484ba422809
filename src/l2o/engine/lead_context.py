"""The derived fields of a lead: what it inherits from the account it matched, and its score.

Rules on leads (fit scoring, routing conditions, workflows) may name the derived lead fields
of the spec (``l2o.spec.fields.DERIVED_FIELDS["lead"]``): the matched account's id and
firmographics, and ``score``. The caller matches the lead to an account (the import's
lead-to-account matching); this builds the mapping every lead rule reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from l2o.domain import Account, Lead
from l2o.spec.fields import DERIVED_FIELDS

__all__ = ["lead_derived_fields", "lead_fields_given"]

_LEAD_DERIVED: frozenset[str] = frozenset(DERIVED_FIELDS["lead"])


def lead_derived_fields(lead: Lead, account: Account | None) -> dict[str, Any]:
    """The derived fields of ``lead`` given the account it matched (``None``: no match).

    >>> lead_derived_fields(Lead(fit_score=20, engagement_score=15), None)["score"]
    35.0
    """
    score = float(lead.fit_score or 0) + float(lead.engagement_score or 0)
    if account is None:
        return {
            "account_id": None,
            "industry": None,
            "employees": None,
            "annual_revenue": None,
            "technologies": [],
            "score": score,
        }
    return {
        "account_id": account.id,
        "industry": account.industry,
        "employees": account.employees,
        "annual_revenue": account.annual_revenue,
        "technologies": list(account.technologies),
        "score": score,
    }


def lead_fields_given(
    lead: Lead, account: Account | None, derived: Mapping[str, Any] | None
) -> Mapping[str, Any]:
    """The derived fields of ``lead``, each overridden by the caller's ``derived`` values
    (e.g. the score just worked out): ``derived`` itself when it gives every one of them.

    >>> lead_fields_given(Lead(), None, {"score": 40.0})["score"]
    40.0
    """
    if derived is not None and derived.keys() >= _LEAD_DERIVED:
        return derived
    values = lead_derived_fields(lead, account)
    if derived:
        values.update(derived)
    return values
