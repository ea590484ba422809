"""HubSpot exports: CRM exports (property labels or internal names) and the Fivetran schema.

Headers match by label (``Deal Stage``), internal name (``dealstage``) or warehouse column
(``deal_pipeline_stage_id``, ``property_dealname``). Pipelines and stages come as ids;
they are resolved to their labels through the pipeline files when present
(``deal_pipeline``, ``deal_pipeline_stage``) or HubSpot's default sales pipeline. A deal's
probability is normalised from HubSpot's 0-1 to L2O's percent points. Stage history comes
from the deal property history (``dealstage`` rows) or Fivetran's ``deal_stage`` table.

Warehouse samples often hold digests instead of values (``property_dealname`` as an MD5):
those rows are quarantined as ``hashed_value``; a stage id that no pipeline file names is
quarantined as ``unresolved_stage`` - neither is guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from l2o.ingest.convert import ValueFormats
from l2o.ingest.csvfile import CsvRow, read_csv
from l2o.ingest.problems import Rejection, safe_raw
from l2o.ingest.records import IMPORT_ORDER
from l2o.ingest.sources.base import NeutralRow, SourceFile, SourcePlan
from l2o.ingest.sources.crm_files import ObjectMap, is_true, plan_objects, read_mapped
from l2o.ingest.sources.history import stage_history

__all__ = ["HUBSPOT_OBJECTS", "HubSpotSource"]

_ID = ("Record ID", "hs_object_id", "id")
_CREATED = ("Create Date", "createdate", "property_createdate", "created_at")

HUBSPOT_OBJECTS: dict[str, ObjectMap] = {
    "owner": ObjectMap("users", {
        "id": ("owner_id", "Owner ID", "id"), "email": ("email", "Email"),
        "first_name": ("first_name", "firstName"), "last_name": ("last_name", "lastName"),
        "created_at": ("created_at", "createdAt"),
    }),
    "company": ObjectMap("accounts", {
        "id": (*_ID, "company_id"), "name": ("Company name", "name", "property_name"),
        "domain": ("Company Domain Name", "domain", "property_domain", "website",
                   "property_website"),
        "industry": ("Industry", "industry", "property_industry"),
        "employees": ("Number of Employees", "numberofemployees",
                      "property_numberofemployees"),
        "annual_revenue": ("Annual Revenue", "annualrevenue", "property_annualrevenue"),
        "country": ("Country/Region", "country", "property_country"),
        "owner_id": ("Company owner", "hubspot_owner_id", "property_hubspot_owner_id"),
        "created_at": _CREATED,
    }),
    "contact": ObjectMap("contacts", {
        "id": (*_ID, "contact_id"), "first_name": ("First Name", "firstname",
                                                   "property_firstname"),
        "last_name": ("Last Name", "lastname", "property_lastname"),
        "email": ("Email", "email", "property_email"),
        "phone": ("Phone Number", "phone", "property_phone"),
        "title": ("Job Title", "jobtitle", "property_jobtitle"),
        "account_id": ("Associated Company ID", "associatedcompanyid",
                       "property_associatedcompanyid"),
        "owner_id": ("Contact owner", "hubspot_owner_id", "property_hubspot_owner_id"),
        "created_at": _CREATED,
    }),
    "deal": ObjectMap("opportunities", {
        "id": (*_ID, "deal_id"), "name": ("Deal Name", "dealname", "property_dealname"),
        "stage": ("Deal Stage", "dealstage", "deal_pipeline_stage_id", "property_dealstage"),
        "pipeline": ("Pipeline", "pipeline", "deal_pipeline_id", "property_pipeline"),
        "amount": ("Amount", "amount", "property_amount"),
        "close_date": ("Close Date", "closedate", "property_closedate"),
        "probability": ("Deal probability", "hs_deal_stage_probability",
                        "property_hs_deal_stage_probability"),
        "opportunity_type": ("Deal Type", "dealtype", "property_dealtype"),
        "owner_id": ("Deal owner", "hubspot_owner_id", "owner_id"),
        "account_id": ("Associated Company ID", "associatedcompanyid"),
        "created_at": _CREATED,
    }, values={"opportunity_type": {"newbusiness": "new_business",
                                    "existingbusiness": "expansion"}}),
    "dealpropertyhistory": ObjectMap("stage_changes", {
        "opportunity_id": ("deal_id",), "field": ("name",), "value": ("value",),
        "changed_at": ("timestamp",), "changed_by": ("source_id",),
    }),
    "dealstage": ObjectMap("stage_changes", {
        "opportunity_id": ("deal_id",), "value": ("value",),
        "changed_at": ("date_entered", "_fivetran_start"),
    }),
}  # fmt: skip

# HubSpot's default sales pipeline: internal stage id -> (label, probability, closed, won).
_DEFAULT_STAGES = {
    "appointmentscheduled": ("Appointment Scheduled", "0.2", False, False),
    "qualifiedtobuy": ("Qualified To Buy", "0.4", False, False),
    "presentationscheduled": ("Presentation Scheduled", "0.6", False, False),
    "decisionmakerboughtin": ("Decision Maker Bought-In", "0.8", False, False),
    "contractsent": ("Contract Sent", "0.9", False, False),
    "closedwon": ("Closed Won", "1.0", True, True),
    "closedlost": ("Closed Lost", "0.0", True, False),
}
_NOISE = frozenset({"hubspot", "hs", "data", "export", "all", "csv"})
_PLURALS = {"deals": "deal", "companies": "company", "contacts": "contact", "owners": "owner"}


class HubSpotSource:
    """Reads a folder of HubSpot exports (one CSV per object, plus pipeline files)."""

    name = "hubspot"
    formats = ValueFormats(
        date_formats=("%m/%d/%Y", "%Y-%m-%d %H:%M:%S"),
        timestamp_formats=("%Y-%m-%d %H:%M:%S.%f", "%m/%d/%Y %H:%M"),
        refuse_hashed=True,
    )

    def __init__(self) -> None:
        self._stages: dict[str, tuple[str, str, bool, bool]] = dict(_DEFAULT_STAGES)
        self._pipelines: dict[str, str] = {"default": "Sales Pipeline"}

    def plan(self, directory: Path) -> SourcePlan:
        """The object files, parents first; the pipeline files are read as lookups."""
        self._load_pipelines(directory)
        objects = {**HUBSPOT_OBJECTS, **{p: HUBSPOT_OBJECTS[s] for p, s in _PLURALS.items()}}
        plan = plan_objects(directory, objects, _NOISE, IMPORT_ORDER)
        plan.files = [
            SourceFile(f.record_type, f.path, f.ignored_columns, _PLURALS.get(f.kind, f.kind))
            for f in plan.files
        ]
        return plan

    def rows(self, source_file: SourceFile) -> Iterator[NeutralRow | Rejection]:
        """The file's rows in neutral fields, stage ids resolved to labels."""
        obj = HUBSPOT_OBJECTS[source_file.kind]
        rows = read_mapped(source_file, obj, _refuse)
        if source_file.kind == "deal":
            yield from (self._deal(row) for row in rows)
        elif source_file.kind in ("dealpropertyhistory", "dealstage"):
            yield from stage_history(self._stage_rows(source_file.kind, rows))
        elif source_file.kind == "owner":
            yield from (_owner(row) for row in rows)
        else:
            yield from rows

    def _deal(self, row: NeutralRow | Rejection) -> NeutralRow | Rejection:
        if isinstance(row, Rejection):
            return row
        values = dict(row.values)
        stage_id = (values.get("stage") or "").strip()
        if stage_id in self._stages:
            label, probability, closed, won = self._stages[stage_id]
            values["stage"] = label
            values.setdefault("probability", probability)
            values["is_closed"], values["is_won"] = str(closed), str(won)
        pipeline = (values.get("pipeline") or "").strip()
        values["pipeline"] = self._pipelines.get(pipeline, pipeline) or None
        values["probability"] = _percent(values.get("probability"))
        return NeutralRow(row.row_number, values, row.raw)

    def _stage_rows(
        self, kind: str, rows: Iterator[NeutralRow | Rejection]
    ) -> Iterator[NeutralRow | Rejection]:
        for row in rows:
            if isinstance(row, Rejection):
                yield row
                continue
            values = dict(row.values)
            if kind == "dealpropertyhistory" and (values.pop("field", "") or "") != "dealstage":
                yield Rejection(
                    "stage_changes",
                    row.row_number,
                    "name",
                    "not_stage_history",
                    f"property {row.raw.get('name')!r} is not the deal stage (only stage "
                    "history is imported from this file)",
                    safe_raw(row.raw),
                )
                continue
            stage_id = (values.pop("value", "") or "").strip()
            if stage_id not in self._stages:
                yield Rejection(
                    "stage_changes",
                    row.row_number,
                    "value",
                    "unresolved_stage",
                    f"stage id {stage_id!r} is not in the pipeline files",
                    safe_raw(row.raw),
                )
                continue
            values["to_stage"] = self._stages[stage_id][0]
            values["id"] = f"{values.get('opportunity_id')}@{values.get('changed_at')}"
            yield NeutralRow(row.row_number, values, row.raw)

    def _load_pipelines(self, directory: Path) -> None:
        for path in directory.glob("*.csv"):
            stem = path.stem.lower()
            if "pipeline" not in stem or "ticket" in stem:
                continue
            for row in read_csv(path, "pipelines"):
                if not isinstance(row, CsvRow) or is_true(row.cells.get("_fivetran_deleted")):
                    continue
                cells = row.cells
                if "stage_id" in cells:
                    self._stages[cells["stage_id"]] = (
                        cells.get("label") or cells["stage_id"],
                        cells.get("probability") or "",
                        is_true(cells.get("is_closed")),
                        is_true(cells.get("closed_won")),
                    )
                elif "pipeline_id" in cells:
                    self._pipelines[cells["pipeline_id"]] = cells.get("label") or ""


def _refuse(cells: dict[str, str]) -> tuple[str, str, str] | None:
    if is_true(cells.get("is_deleted")) or is_true(cells.get("_fivetran_deleted")):
        return "is_deleted", "deleted_in_source", "the record is deleted in HubSpot"
    return None


def _owner(row: NeutralRow | Rejection) -> NeutralRow | Rejection:
    if isinstance(row, Rejection):
        return row
    values = dict(row.values)
    first, last = values.pop("first_name", None), values.pop("last_name", None)
    # A name made of digests stays a digest, so the converter refuses it by name.
    values["name"] = " ".join(p.strip() for p in (first, last) if p and p.strip()) or None
    return NeutralRow(row.row_number, values, row.raw)


def _percent(value: str | None) -> str | None:
    """HubSpot's 0-1 probability as percent points; a value already above 1 is kept."""
    if value is None or not value.strip():
        return value
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return value
    return str(number * 100) if 0 <= number <= 1 else value
