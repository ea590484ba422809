"""The record fields a spec may name: the standard ones every L2O record has, plus custom ones.

Stage gates, scoring rules, routing conditions and workflows all name fields of a lead,
contact, account or opportunity. Listing the standard names here (the domain records carry
the same names) and letting a spec declare its own under ``custom_fields`` is what lets the
loader catch ``budget_confirmd`` before a stage gate silently never opens.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from l2o.spec._base import Identifier, SpecModel

__all__ = [
    "STANDARD_FIELDS",
    "CustomField",
    "CustomFields",
    "FieldCatalog",
    "RecordType",
]

RecordType = Literal["lead", "contact", "account", "opportunity"]
"""The kinds of revenue record a spec can talk about."""

_PERSON = ("first_name", "last_name", "email", "phone", "title", "country", "state", "city")
_FIRMOGRAPHIC = ("industry", "employee_count", "annual_revenue", "technologies", "website")
_SYSTEM = ("id", "owner_id", "created_at", "updated_at")

STANDARD_FIELDS: Mapping[RecordType, frozenset[str]] = {
    "lead": frozenset(
        (
            *_PERSON,
            *_FIRMOGRAPHIC,
            *_SYSTEM,
            "company",
            "source",
            "source_detail",
            "campaign_id",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "status",
            "lifecycle_stage",
            "score",
            "fit_score",
            "engagement_score",
            "segment",
            "account_id",
            "converted_at",
            "disqualified_reason",
        )
    ),
    "contact": frozenset(
        (*_PERSON, *_SYSTEM, "account_id", "role", "persona", "lifecycle_stage", "lead_id")
    ),
    "account": frozenset(
        (
            *_FIRMOGRAPHIC,
            *_SYSTEM,
            "name",
            "domain",
            "country",
            "state",
            "city",
            "segment",
            "icp_tier",
            "fit_score",
            "type",
            "parent_account_id",
            "territory",
            "arr",
            "health_score",
            "customer_since",
            "renewal_date",
            "contract_end_date",
            "seats_purchased",
            "seats_active",
            "product_usage",
            "nps",
            "open_support_tickets",
            "executive_sponsor_id",
            "payment_status",
        )
    ),
    "opportunity": frozenset(
        (
            *_SYSTEM,
            "name",
            "account_id",
            "pipeline",
            "deal_type",
            "stage",
            "amount",
            "currency",
            "close_date",
            "probability",
            "forecast_category",
            "next_step",
            "primary_contact_id",
            "lead_source",
            "competitor",
            "loss_reason",
            "metrics",
            "economic_buyer",
            "decision_maker",
            "decision_criteria",
            "decision_process",
            "paper_process",
            "identified_pain",
            "champion",
            "budget",
            "authority",
            "need",
            "timeline",
            "discount_percent",
            "term_months",
            "quote_id",
            "closed_at",
            "is_won",
            "is_closed",
        )
    ),
}
"""Standard field names per record type; the domain records carry the same names."""


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
