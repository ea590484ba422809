"""Salesforce fields for a spec: standard fields it maps to, custom fields it needs.

A spec field name resolves to a Salesforce field: a standard one where Salesforce has it
(``next_step`` -> ``Opportunity.NextStep``), else a custom field named after it
(``security_review_done`` -> ``Security_Review_Done__c``) typed from the spec's
``custom_fields`` declaration (text when undeclared). Related-record criteria (contact roles,
an approved quote...) cannot be counted by a validation rule, so each becomes a number field
that automation keeps up to date (listed in the package README); line items use the
standard ``HasOpportunityLineItem``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from l2o.publish.crm.requirements import (
    RELATED_LABELS,
    Requirement,
    custom_field,
    label_of,
    qualification_fields,
)
from l2o.spec import ArchitectureSpec
from l2o.spec.fields import RecordType

__all__ = ["OBJECTS", "SalesforceField", "SalesforceSchema", "api_name"]

OBJECTS: dict[RecordType, str] = {
    "lead": "Lead",
    "contact": "Contact",
    "account": "Account",
    "opportunity": "Opportunity",
}
"""The Salesforce object each spec record type lives in."""

_STANDARD: dict[RecordType, dict[str, tuple[str, str]]] = {
    "opportunity": {
        "name": ("Name", "Text"),
        "account_id": ("AccountId", "Lookup"),
        "owner_id": ("OwnerId", "Lookup"),
        "stage": ("StageName", "Picklist"),
        "amount": ("Amount", "Currency"),
        "close_date": ("CloseDate", "Date"),
        "probability": ("Probability", "Percent"),
        "forecast_category": ("ForecastCategoryName", "Picklist"),
        "opportunity_type": ("Type", "Picklist"),
        "lead_source": ("LeadSource", "Picklist"),
        "next_step": ("NextStep", "Text"),
    },
    "account": {
        "name": ("Name", "Text"),
        "industry": ("Industry", "Picklist"),
        "employees": ("NumberOfEmployees", "Number"),
        "annual_revenue": ("AnnualRevenue", "Currency"),
        "country": ("BillingCountry", "Text"),
        "owner_id": ("OwnerId", "Lookup"),
        "parent_id": ("ParentId", "Lookup"),
    },
    "lead": {
        "first_name": ("FirstName", "Text"),
        "last_name": ("LastName", "Text"),
        "email": ("Email", "Email"),
        "phone": ("Phone", "Phone"),
        "company": ("Company", "Text"),
        "title": ("Title", "Text"),
        "country": ("Country", "Text"),
        "lead_source": ("LeadSource", "Picklist"),
        "status": ("Status", "Picklist"),
    },
    "contact": {
        "first_name": ("FirstName", "Text"),
        "last_name": ("LastName", "Text"),
        "email": ("Email", "Email"),
        "phone": ("Phone", "Phone"),
        "title": ("Title", "Text"),
        "account_id": ("AccountId", "Lookup"),
    },
}

_SPEC_TYPES = {
    "text": "Text",
    "number": "Number",
    "currency": "Currency",
    "percent": "Percent",
    "boolean": "Checkbox",
    "date": "Date",
    "picklist": "Picklist",
}


def api_name(name: str, suffix: str = "") -> str:
    """A Salesforce API name for a spec identifier: ``budget_owner`` -> ``Budget_Owner``.

    Letters, digits and single underscores, starting with a letter, at most 40 characters
    (the limit for field and rule names), never ending in an underscore.
    """
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    text = "_".join(part[:1].upper() + part[1:] for part in parts) or "Field"
    if not text[0].isalpha():
        text = f"X{text}"
    return text[:40].rstrip("_") + suffix


@dataclass(frozen=True)
class SalesforceField:
    """A field on a Salesforce object, standard or custom (``__c``)."""

    object: str
    name: str
    label: str
    type: str
    values: tuple[tuple[str, str], ...] = ()
    description: str = ""

    @property
    def custom(self) -> bool:
        """Whether the package must create it."""
        return self.name.endswith("__c")

    @property
    def member(self) -> str:
        """Its name in ``package.xml``: ``Opportunity.Budget__c``."""
        return f"{self.object}.{self.name}"

    def is_blank(self) -> str:
        """A formula true when the field holds no value (picklists need ``TEXT``)."""
        if self.type == "Checkbox":
            return f"NOT({self.name})"
        if self.type == "Picklist":
            return f"ISBLANK(TEXT({self.name}))"
        return f"ISBLANK({self.name})"


class SalesforceSchema:
    """Every field a spec names, resolved to Salesforce, and the custom ones to create."""

    def __init__(self, spec: ArchitectureSpec) -> None:
        self.spec = spec
        self._custom: dict[str, SalesforceField] = {}
        self._counters: dict[str, SalesforceField] = {}
        for record in OBJECTS:
            for declared in getattr(spec.custom_fields, record):
                self.field(record, declared.name)
        for field, label in qualification_fields(spec):
            self.field("opportunity", field, label=label, description="Qualification element")
        if spec.icp is not None and spec.icp.tiers:
            values = tuple((tier.id, tier.label or label_of(tier.id)) for tier in spec.icp.tiers)
            self._add(
                SalesforceField(
                    "Account",
                    "ICP_Tier__c",
                    "ICP tier",
                    "Picklist",
                    values,
                    "The account's ICP tier (rank 1 = best fit), from the L2O ICP spec.",
                )
            )
            self._add(
                SalesforceField(
                    "Account",
                    "ICP_Fit_Score__c",
                    "ICP fit score",
                    "Number",
                    description="Firmographic fit 0-100 against the ICP tiers.",
                )
            )

    def _add(self, field: SalesforceField) -> SalesforceField:
        return self._custom.setdefault(field.member, field)

    def field(
        self, record: RecordType, name: str, *, label: str | None = None, description: str = ""
    ) -> SalesforceField:
        """The Salesforce field for spec field ``name`` on ``record`` (created if custom)."""
        sf_object = OBJECTS[record]
        standard = _STANDARD[record].get(name)
        if standard is not None:
            return SalesforceField(sf_object, standard[0], label or label_of(name), standard[1])
        declared = custom_field(self.spec, record, name)
        sf_type = _SPEC_TYPES[declared.type] if declared else "Text"
        values = tuple((v, v) for v in declared.values) if declared else ()
        if sf_type == "Picklist" and not values:
            sf_type = "Text"
        return self._add(
            SalesforceField(
                sf_object,
                api_name(name, "__c"),
                label or (declared.label if declared and declared.label else label_of(name)),
                sf_type,
                values,
                description or f"From the L2O spec field '{name}'.",
            )
        )

    def requirement_missing(self, requirement: Requirement) -> tuple[str, list[str]]:
        """A formula true when ``requirement`` is not met, and the fields it reads."""
        if requirement.field is not None:
            field = self.field("opportunity", requirement.field)
            return field.is_blank(), [field.name]
        kind = requirement.related or ""
        if kind == "line_items" and requirement.min_count == 1:
            return "NOT(HasOpportunityLineItem)", ["HasOpportunityLineItem"]
        field = self._add(
            SalesforceField(
                "Opportunity",
                api_name(f"{kind}_count", "__c"),
                label_of(f"{kind} count"),
                "Number",
                description=(
                    f"Count of the opportunity's related records of kind '{kind}' "
                    f"({RELATED_LABELS.get(kind, kind)}); kept up to date by automation "
                    "(a record-triggered Flow), read by the stage gates."
                ),
            )
        )
        self._counters[field.member] = field
        formula = f"OR(ISBLANK({field.name}), {field.name} < {requirement.min_count})"
        return formula, [field.name]

    def custom_fields(self) -> list[SalesforceField]:
        """Every custom field the package creates, by object then name."""
        return sorted(self._custom.values(), key=lambda f: (f.object, f.name))

    def counters(self) -> list[SalesforceField]:
        """The related-record count fields automation must maintain."""
        return sorted(self._counters.values(), key=lambda f: f.name)
