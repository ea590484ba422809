"""The record fields a spec may name: stored, qualification, derived, plus custom ones.

Stage gates, scoring rules, routing conditions and workflows all name fields of a lead,
contact, account or opportunity. Stored fields carry the domain records' names,
qualification elements live in an opportunity's ``qualification`` map, and derived fields
say how the engine computes them. A spec declares its own under ``custom_fields``. Knowing
every name is what lets the loader catch ``budget_confirmd`` before a stage gate silently
never opens.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from l2o.spec._base import Identifier, SpecModel

__all__ = [
    "DERIVED_FIELDS",
    "QUALIFICATION_FIELDS",
    "STANDARD_FIELDS",
    "STORED_FIELDS",
    "CustomField",
    "CustomFields",
    "FieldCatalog",
    "RecordType",
]

RecordType = Literal["lead", "contact", "account", "opportunity"]
"""The kinds of revenue record a spec can talk about."""

# Fields stored on the records themselves: the same names as the ``l2o.domain`` classes
# (a test keeps the two in step).
_STORED: Mapping[RecordType, tuple[str, ...]] = {
    "lead": (
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "title",
        "country",
        "lead_source",
        "channel",
        "status",
        "created_at",
        "mql_at",
        "sql_at",
        "fit_score",
        "engagement_score",
        "owner_id",
        "routed_at",
        "first_touch_at",
        "converted_at",
        "converted_contact_id",
        "converted_account_id",
        "converted_opportunity_id",
        "disqualification_reason",
    ),
    "contact": (
        "id",
        "account_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "title",
        "persona",
        "owner_id",
        "created_at",
    ),
    "account": (
        "id",
        "name",
        "domain",
        "industry",
        "employees",
        "annual_revenue",
        "country",
        "region",
        "technologies",
        "tier",
        "icp_score",
        "owner_id",
        "parent_id",
        "segment",
        "territory_id",
        "health_score",
        "created_at",
    ),
    "opportunity": (
        "id",
        "name",
        "account_id",
        "owner_id",
        "pipeline",
        "stage",
        "stage_entered_at",
        "amount",
        "currency",
        "close_date",
        "probability",
        "forecast_category",
        "opportunity_type",
        "created_at",
        "closed_at",
        "is_closed",
        "is_won",
        "loss_reason",
        "lead_source",
        "next_step",
        "primary_contact_id",
    ),
}

QUALIFICATION_FIELDS: frozenset[str] = frozenset(
    (
        # MEDDICC
        "metrics",
        "economic_buyer",
        "decision_criteria",
        "decision_process",
        "paper_process",
        "identified_pain",
        "champion",
        "competitor",
        # BANT
        "budget",
        "authority",
        "need",
        "timeline",
        "decision_maker",
    )
)
"""Qualification elements an opportunity records (kept in its ``qualification`` map)."""

DERIVED_FIELDS: Mapping[RecordType, Mapping[str, str]] = {
    "lead": {
        "account_id": "the account the lead matches (lead-to-account matching)",
        "industry": "the matched account's industry",
        "employees": "the matched account's employee count",
        "annual_revenue": "the matched account's annual revenue",
        "technologies": "the matched account's technologies",
        "score": "fit_score + engagement_score",
    },
    "contact": {},
    "account": {
        "arr": "sum of ARR over the account's active contracts",
        "customer_since": "start date of the account's first contract",
        "renewal_date": "end date of the account's active contract that ends first",
        "seats_purchased": "licensed seats on the active contracts",
        "seats_active": "active seats as a percentage of seats purchased (usage records)",
        "product_usage": "usage over the last 30 days as a percentage of the prior 90-day mean",
        "open_support_tickets": "support tickets not yet closed",
        "nps": "net promoter score from the latest survey responses",
    },
    "opportunity": {
        "days_in_stage": "days since stage_entered_at",
        "discount_percent": "the largest line discount on the opportunity's primary quote",
        "term_months": "contract term of the opportunity's primary quote",
        "quote_id": "the opportunity's primary quote",
    },
}
"""Fields the engine computes from related records; each says how."""

STANDARD_FIELDS: Mapping[RecordType, frozenset[str]] = {
    record: frozenset(stored)
    | frozenset(DERIVED_FIELDS[record])
    | (QUALIFICATION_FIELDS if record == "opportunity" else frozenset())
    for record, stored in _STORED.items()
}
"""Every field name a rule may use per record type without declaring it as a custom field."""

STORED_FIELDS: Mapping[RecordType, frozenset[str]] = {
    record: frozenset(names) for record, names in _STORED.items()
}
"""The fields stored on each record, named as in ``l2o.domain``."""


FieldType = Literal["text", "number", "currency", "percent", "boolean", "date", "picklist"]


class CustomField(SpecModel):
    """A field the company added to a record type, e.g. a ``security_review_done`` checkbox."""

    name: Identifier
    type: FieldType = "text"
    label: str | None = None
    values: list[str] = Field(
        default_factory=list, description="The allowed values of a picklist field."
    )


class CustomFields(SpecModel):
    """Custom fields per record type; rules may name them like standard fields."""

    lead: list[CustomField] = Field(default_factory=list)
    contact: list[CustomField] = Field(default_factory=list)
    account: list[CustomField] = Field(default_factory=list)
    opportunity: list[CustomField] = Field(default_factory=list)

    def names(self, record: RecordType) -> list[str]:
        """The custom field names declared for ``record``, in spec order."""
        fields: list[CustomField] = getattr(self, record)
        return [field.name for field in fields]


class FieldCatalog:
    """Every field name a spec may use per record type: the standard ones plus its custom ones.

    >>> catalog = FieldCatalog(CustomFields())
    >>> catalog.knows("opportunity", "next_step"), catalog.suggest("opportunity", "nxt_step")
    (True, 'next_step')
    """

    def __init__(self, custom: CustomFields) -> None:
        self._fields: dict[RecordType, frozenset[str]] = {
            record: names | frozenset(custom.names(record))
            for record, names in STANDARD_FIELDS.items()
        }

    def knows(self, record: RecordType, field: str) -> bool:
        """Whether ``field`` exists on ``record`` (standard or custom)."""
        return field in self._fields[record]

    def suggest(self, record: RecordType, field: str) -> str | None:
        """The closest known field name to a misspelled one, if any is close enough."""
        matches = difflib.get_close_matches(field, sorted(self._fields[record]), n=1)
        return matches[0] if matches else None
