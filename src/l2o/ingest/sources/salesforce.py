"""Salesforce exports: Data Loader / API CSVs and warehouse syncs (Fivetran's snake_case).

Each file's object is recognised from its name (``Opportunity.csv``, ``sf_opportunity_data``,
``OpportunityHistory_2024-05-01.csv``), else from its header. Headers match whatever their
case and underscores (``StageName`` = ``stage_name``). Picklists with a fixed meaning in L2O
(lead status, forecast category, deal type, quote/contract/order status) are mapped; stage
names, sources and industries are kept as written - the architecture spec decides them.

Rows deleted in Salesforce (``IsDeleted``), and superseded versions in a warehouse history
table (``_fivetran_active = false``), are quarantined with that reason rather than imported.
Times without a zone are read as UTC, which is what Salesforce exports write.
Not imported (yet): ``OpportunityLineItem`` - L2O keeps line items on quotes; its rows are
quarantined as ``unsupported_record_type`` so they are counted and visible.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from l2o.ingest.convert import ValueFormats
from l2o.ingest.problems import Rejection
from l2o.ingest.records import IMPORT_ORDER
from l2o.ingest.sources.base import NeutralRow, SourceFile, SourcePlan
from l2o.ingest.sources.crm_files import ObjectMap, is_true, plan_objects, read_mapped
from l2o.ingest.sources.history import stage_history

__all__ = ["SALESFORCE_OBJECTS", "SalesforceSource"]

_ID = ("Id",)
_CREATED = ("CreatedDate",)
_OWNER = ("OwnerId",)

_LEAD_STATUS = {
    "open": "new", "open - not contacted": "new", "new": "new",
    "working": "working", "working - contacted": "working", "contacted": "working",
    "nurturing": "recycled", "recycled": "recycled",
    "marketing qualified": "mql", "mql": "mql", "qualified": "sql", "sql": "sql",
    "closed - converted": "converted", "converted": "converted",
    "closed - not converted": "disqualified", "unqualified": "disqualified",
    "disqualified": "disqualified",
}  # fmt: skip
_FORECAST = {"bestcase": "best_case", "best case": "best_case", "forecast": "commit"}
_DEAL_TYPE = {
    "new business": "new_business", "new customer": "new_business", "new": "new_business",
    "existing business": "expansion", "existing customer - upgrade": "expansion",
    "upsell": "expansion", "expansion": "expansion", "add-on": "expansion",
    "renewal": "renewal", "existing customer - replacement": "renewal",
}  # fmt: skip

SALESFORCE_OBJECTS: dict[str, ObjectMap] = {
    "user": ObjectMap("users", {
        "id": _ID, "name": ("Name",), "email": ("Email",), "active": ("IsActive",),
        "manager_id": ("ManagerId",), "created_at": _CREATED, "team": ("Department",),
    }, signature=("Username", "IsActive")),
    "account": ObjectMap("accounts", {
        "id": _ID, "name": ("Name",), "domain": ("Website",), "industry": ("Industry",),
        "employees": ("NumberOfEmployees",), "annual_revenue": ("AnnualRevenue",),
        "country": ("BillingCountry", "ShippingCountry"), "owner_id": _OWNER,
        "parent_id": ("ParentId",), "created_at": _CREATED,
    }, signature=("BillingCountry", "NumberOfEmployees")),
    "contact": ObjectMap("contacts", {
        "id": _ID, "account_id": ("AccountId",), "first_name": ("FirstName",),
        "last_name": ("LastName",), "email": ("Email",), "phone": ("Phone", "MobilePhone"),
        "title": ("Title",), "owner_id": _OWNER, "created_at": _CREATED,
    }, signature=("AccountId", "LastName", "ReportsToId")),
    "lead": ObjectMap("leads", {
        "id": _ID, "first_name": ("FirstName",), "last_name": ("LastName",),
        "email": ("Email",), "phone": ("Phone", "MobilePhone"), "company": ("Company",),
        "title": ("Title",), "country": ("Country",), "lead_source": ("LeadSource",),
        "status": ("Status",), "created_at": _CREATED, "owner_id": _OWNER,
        "converted_at": ("ConvertedDate",), "converted_contact_id": ("ConvertedContactId",),
        "converted_account_id": ("ConvertedAccountId",),
        "converted_opportunity_id": ("ConvertedOpportunityId",),
    }, values={"status": _LEAD_STATUS}, signature=("IsConverted", "Company")),
    "campaign": ObjectMap("campaigns", {
        "id": _ID, "name": ("Name",), "campaign_type": ("Type",), "status": ("Status",),
        "start_date": ("StartDate",), "end_date": ("EndDate",), "budget": ("BudgetedCost",),
        "currency": ("CurrencyIsoCode",), "created_at": _CREATED,
    }, signature=("BudgetedCost",)),
    "product2": ObjectMap("products", {
        "id": _ID, "sku": ("ProductCode", "StockKeepingUnit"), "name": ("Name",),
        "family": ("Family",), "active": ("IsActive",), "created_at": _CREATED,
    }),
    "pricebookentry": ObjectMap("price_book_entries", {
        "id": _ID, "product_id": ("Product2Id",), "price_book": ("Pricebook2Id",),
        "currency": ("CurrencyIsoCode",), "list_price": ("UnitPrice",), "active": ("IsActive",),
    }, signature=("Pricebook2Id", "UnitPrice", "Product2Id")),
    "opportunity": ObjectMap("opportunities", {
        "id": _ID, "name": ("Name",), "account_id": ("AccountId",), "owner_id": _OWNER,
        "stage": ("StageName",), "amount": ("Amount",), "close_date": ("CloseDate",),
        "probability": ("Probability",), "currency": ("CurrencyIsoCode",),
        "forecast_category": ("ForecastCategoryName", "ForecastCategory"),
        "opportunity_type": ("Type",), "created_at": _CREATED, "is_closed": ("IsClosed",),
        "is_won": ("IsWon",), "lead_source": ("LeadSource",), "next_step": ("NextStep",),
    }, values={"forecast_category": _FORECAST, "opportunity_type": _DEAL_TYPE},
        signature=("StageName", "IsWon")),
    "opportunityhistory": ObjectMap("stage_changes", {
        "id": _ID, "opportunity_id": ("OpportunityId",), "to_stage": ("StageName",),
        "changed_at": ("CreatedDate",), "changed_by": ("CreatedById",),
        "amount": ("Amount",), "close_date": ("CloseDate",),
    }),
    "opportunityfieldhistory": ObjectMap("stage_changes", {
        "id": _ID, "opportunity_id": ("OpportunityId",), "field": ("Field",),
        "old_value": ("OldValue",), "new_value": ("NewValue",),
        "changed_at": ("CreatedDate",), "changed_by": ("CreatedById",),
    }, signature=("OpportunityId", "Field", "OldValue", "NewValue")),
    "campaignmember": ObjectMap("touchpoints", {
        "id": _ID, "campaign_id": ("CampaignId",), "lead_id": ("LeadId",),
        "contact_id": ("ContactId",), "occurred_at": ("FirstRespondedDate", "CreatedDate"),
        "touch_type": ("Status",),
    }, defaults={"touch_type": "campaign_member"}, signature=("CampaignId", "HasResponded")),
    "quote": ObjectMap("quotes", {
        "id": _ID, "opportunity_id": ("OpportunityId",), "account_id": ("AccountId",),
        "name": ("Name",), "status": ("Status",), "currency": ("CurrencyIsoCode",),
        "created_at": _CREATED, "valid_until": ("ExpirationDate",),
        "list_total": ("Subtotal",), "net_total": ("TotalPrice", "GrandTotal"),
    }, values={"status": {"needs review": "in_approval", "in review": "in_approval",
                          "denied": "rejected"}}),
    "contract": ObjectMap("contracts", {
        "id": _ID, "account_id": ("AccountId",), "status": ("Status",),
        "start_date": ("StartDate",), "end_date": ("EndDate",),
        "arr": ("ARR__c", "Annual_Recurring_Revenue__c", "ContractValue__c"),
        "currency": ("CurrencyIsoCode",), "created_at": _CREATED,
    }, values={"status": {"draft": "pending", "in approval process": "pending",
                          "activated": "active", "terminated": "cancelled"}}),
    "order": ObjectMap("orders", {
        "id": _ID, "account_id": ("AccountId",), "opportunity_id": ("OpportunityId",),
        "quote_id": ("QuoteId",), "status": ("Status",), "ordered_at": ("EffectiveDate",),
        "activated_at": ("ActivatedDate",), "total_amount": ("TotalAmount",),
        "currency": ("CurrencyIsoCode",),
    }, signature=("OrderNumber", "EffectiveDate")),
    "opportunitylineitem": ObjectMap("quote_lines", {"id": _ID}),
}  # fmt: skip
# Warehouse syncs split "Product2" into "product_2", whose digit token is dropped.
SALESFORCE_OBJECTS["product"] = SALESFORCE_OBJECTS["product2"]

_NOISE = frozenset({"sf", "salesforce", "data", "export", "extract", "csv"})
_FIELD_HISTORY_OTHER = "opportunity_field_changes"


class SalesforceSource:
    """Reads a folder of Salesforce object exports (one CSV per object)."""

    name = "salesforce"
    formats = ValueFormats(
        date_formats=("%m/%d/%Y",),
        timestamp_formats=("%Y-%m-%dT%H:%M:%S.%f%z", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p"),
        refuse_hashed=True,
    )

    def plan(self, directory: Path) -> SourcePlan:
        """The object files in ``directory``, parents first."""
        plan = plan_objects(directory, SALESFORCE_OBJECTS, _NOISE, IMPORT_ORDER)
        extra = [
            SourceFile(_FIELD_HISTORY_OTHER, f.path, f.ignored_columns, kind=f.kind)
            for f in plan.files
            if f.kind == "opportunityfieldhistory" and _FIELD_HISTORY_OTHER in IMPORT_ORDER
        ]
        if extra:
            files = plan.files + extra
            plan.files = sorted(files, key=lambda f: IMPORT_ORDER.index(f.record_type))
        return plan

    def rows(self, source_file: SourceFile) -> Iterator[NeutralRow | Rejection]:
        """The file's rows in neutral fields; history files get their previous stages."""
        obj = SALESFORCE_OBJECTS[source_file.kind]
        if source_file.kind == "opportunitylineitem":
            yield from read_mapped(source_file, obj, _line_items_unsupported)
            return
        if source_file.kind == "opportunityfieldhistory":
            yield from _field_history(source_file, obj)
            return
        rows = read_mapped(source_file, obj, _refuse)
        if source_file.kind == "opportunityhistory":
            rows = stage_history(_snapshot_keys(rows))
        yield from _derived(source_file.kind, rows)


def _refuse(cells: dict[str, str]) -> tuple[str, str, str] | None:
    keys = {k.lower().replace("_", ""): v for k, v in cells.items()}
    if is_true(keys.get("isdeleted")) or is_true(keys.get("fivetrandeleted")):
        return "IsDeleted", "deleted_in_source", "the record is deleted in Salesforce"
    if keys.get("fivetranactive", "true").strip().lower() == "false":
        return (
            "_fivetran_active",
            "superseded_version",
            "an older version of the record (the warehouse keeps history); "
            "the current one is imported",
        )
    return None


def _line_items_unsupported(cells: dict[str, str]) -> tuple[str, str, str]:
    return (
        None,  # type: ignore[return-value]
        "unsupported_record_type",
        "opportunity line items are not imported yet (L2O keeps line items on quotes)",
    )


def _snapshot_keys(rows: Iterator[NeutralRow | Rejection]) -> Iterator[NeutralRow | Rejection]:
    """A warehouse history table (one row per version of an opportunity) as stage changes."""
    for row in rows:
        if isinstance(row, NeutralRow):
            raw = {k.lower(): v for k, v in row.raw.items()}
            if "_fivetran_start" in raw and not row.values.get("opportunity_id"):
                values = dict(row.values)
                values["opportunity_id"] = values.get("id")
                values["id"] = f"{values.get('id')}@{raw['_fivetran_start']}"
                values["changed_at"] = raw["_fivetran_start"]
                row = NeutralRow(row.row_number, values, row.raw)
        yield row


def _field_history(source_file: SourceFile, obj: ObjectMap) -> Iterator[NeutralRow | Rejection]:
    """Stage edits become stage changes; with ``opportunity_field_changes``, the rest."""
    wants_stage = source_file.record_type == "stage_changes"
    for row in read_mapped(source_file, obj, _refuse):
        if isinstance(row, Rejection):
            if wants_stage:
                yield row
            continue
        is_stage = (row.values.get("field") or "").strip().lower() in ("stagename", "stage")
        if is_stage != wants_stage:
            continue
        values = dict(row.values)
        if is_stage:
            values["from_stage"] = values.pop("old_value", None)
            values["to_stage"] = values.pop("new_value", None)
        yield NeutralRow(row.row_number, values, row.raw)


def _derived(kind: str, rows: Iterator[NeutralRow | Rejection]) -> Iterator[NeutralRow | Rejection]:
    """Fields Salesforce implies rather than states (a product's SKU, a converted status)."""
    for row in rows:
        if isinstance(row, NeutralRow):
            values = dict(row.values)
            if kind in ("product", "product2") and not (values.get("sku") or "").strip():
                values["sku"] = values.get("id")  # Product2 often has no ProductCode
            if kind == "lead" and is_true(
                row.raw.get("IsConverted") or row.raw.get("is_converted")
            ):
                values["status"] = "converted"
            row = NeutralRow(row.row_number, values, row.raw)
        yield row
