"""HubSpot configuration from an architecture spec: property and pipeline JSON for the CRM
APIs, and the checklist of what HubSpot cannot enforce through them.

What it writes::

    groups/<object>.json        POST /crm/v3/properties/<object>/groups        (the L2O group)
    properties/<object>.json    POST /crm/v3/properties/<object>/batch/create  ({"inputs": [...]})
    pipelines/<pipeline>.json   POST /crm/v3/pipelines/deals                   (stages, probability)
    CHECKLIST.md                the calls in order, then what to configure in the UI

Objects are ``deals``, ``companies`` and ``contacts`` (leads and contacts are both contacts).
Stage probabilities go in ``metadata.probability`` as a 0.0-1.0 string; HubSpot takes them in
steps of 0.1, so each is rounded and the checklist lists the spec's exact value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from l2o.publish.crm.requirements import (
    Requirement,
    custom_field,
    label_of,
    qualification_fields,
    stage_gates,
    stage_label,
)
from l2o.spec import ArchitectureSpec
from l2o.spec.fields import CustomField, RecordType
from l2o.spec.pipeline import Pipeline

__all__ = ["GROUP_NAME", "write_hubspot_package"]

GROUP_NAME = "l2o_architecture"
"""The property group every L2O property is created in."""

_OBJECTS: dict[RecordType, str] = {
    "opportunity": "deals",
    "account": "companies",
    "contact": "contacts",
    "lead": "contacts",
}
# Spec fields HubSpot already has as default properties: nothing to create.
_DEFAULT_PROPERTIES: dict[str, dict[str, str]] = {
    "deals": {
        "name": "dealname",
        "amount": "amount",
        "close_date": "closedate",
        "stage": "dealstage",
        "pipeline": "pipeline",
        "owner_id": "hubspot_owner_id",
        "opportunity_type": "dealtype",
        "next_step": "hs_next_step",
        "loss_reason": "closed_lost_reason",
        "forecast_category": "hs_manual_forecast_category",
    },
    "companies": {
        "name": "name",
        "domain": "domain",
        "industry": "industry",
        "employees": "numberofemployees",
        "annual_revenue": "annualrevenue",
        "country": "country",
        "owner_id": "hubspot_owner_id",
    },
    "contacts": {
        "first_name": "firstname",
        "last_name": "lastname",
        "email": "email",
        "phone": "phone",
        "title": "jobtitle",
        "country": "country",
        "company": "company",
        "owner_id": "hubspot_owner_id",
    },
}
_TYPES = {
    "text": ("string", "text"),
    "number": ("number", "number"),
    "currency": ("number", "number"),
    "percent": ("number", "number"),
    "boolean": ("bool", "booleancheckbox"),
    "date": ("date", "date"),
    "picklist": ("enumeration", "select"),
}


def write_hubspot_package(spec: ArchitectureSpec, out_dir: Path) -> list[Path]:
    """Write the HubSpot JSON and checklist for ``spec`` into ``out_dir``; return the files."""
    out_dir = Path(out_dir)
    properties = _properties(spec)
    written: list[Path] = []
    for hub_object in sorted(properties):
        group = {"name": GROUP_NAME, "label": "L2O architecture", "displayOrder": -1}
        written.append(_write_json(out_dir / "groups" / f"{hub_object}.json", group))
        body = {"inputs": list(properties[hub_object].values())}
        written.append(_write_json(out_dir / "properties" / f"{hub_object}.json", body))
    pipelines = spec.pipeline.pipelines if spec.pipeline else []
    for order, pipeline in enumerate(pipelines):
        written.append(
            _write_json(out_dir / "pipelines" / f"{pipeline.id}.json", _pipeline(pipeline, order))
        )
    checklist = out_dir / "CHECKLIST.md"
    checklist.write_text(_checklist(spec, sorted(properties), pipelines), encoding="utf-8")
    written.append(checklist)
    return written


def property_name(record: RecordType, field: str) -> str:
    """The HubSpot property a spec field lives in: a default one, or the field's own name."""
    return _DEFAULT_PROPERTIES[_OBJECTS[record]].get(field, field)


def _property(
    name: str, label: str, declared: CustomField | None, description: str
) -> dict[str, Any]:
    kind = declared.type if declared else "text"
    hub_type, field_type = _TYPES[kind]
    prop: dict[str, Any] = {
        "name": name,
        "label": label,
        "type": hub_type,
        "fieldType": field_type,
        "groupName": GROUP_NAME,
        "description": description,
    }
    if hub_type == "bool":
        prop["options"] = [
            {"label": "Yes", "value": "true", "displayOrder": 0, "hidden": False},
            {"label": "No", "value": "false", "displayOrder": 1, "hidden": False},
        ]
    elif hub_type == "enumeration":
        values = declared.values if declared else []
        prop["options"] = [
            {"label": value, "value": value, "displayOrder": i, "hidden": False}
            for i, value in enumerate(values)
        ]
        if not values:
            prop.update(type="string", fieldType="text")
            del prop["options"]
    return prop


def _properties(spec: ArchitectureSpec) -> dict[str, dict[str, dict[str, Any]]]:
    """The properties to create per HubSpot object, by name (defaults left out)."""
    found: dict[str, dict[str, dict[str, Any]]] = {}

    def add(record: RecordType, field: str, label: str | None, description: str) -> None:
        hub_object = _OBJECTS[record]
        if field in _DEFAULT_PROPERTIES[hub_object]:
            return
        declared = custom_field(spec, record, field)
        text = label or (declared.label if declared and declared.label else label_of(field))
        found.setdefault(hub_object, {}).setdefault(
            field, _property(field, text, declared, description)
        )

    for record in ("lead", "contact", "account", "opportunity"):
        for declared in getattr(spec.custom_fields, record):
            add(
                record, declared.name, declared.label, f"From the L2O spec field '{declared.name}'."
            )
    for field, label in qualification_fields(spec):
        add("opportunity", field, label, "Qualification element: what was confirmed, and how.")
    for gate in stage_gates(spec):
        for requirement in gate.requirements:
            if requirement.field is not None:
                add("opportunity", requirement.field, None, "Required by a stage gate.")
    if spec.icp is not None and spec.icp.tiers:
        tiers = [
            {
                "label": tier.label or label_of(tier.id),
                "value": tier.id,
                "displayOrder": tier.rank,
                "hidden": False,
            }
            for tier in sorted(spec.icp.tiers, key=lambda t: t.rank)
        ]
        companies = found.setdefault("companies", {})
        companies["icp_tier"] = {
            "name": "icp_tier",
            "label": "ICP tier",
            "type": "enumeration",
            "fieldType": "select",
            "groupName": GROUP_NAME,
            "description": "The company's ICP tier (rank 1 = best fit), from the L2O ICP spec.",
            "options": tiers,
        }
        companies["icp_fit_score"] = {
            "name": "icp_fit_score",
            "label": "ICP fit score",
            "type": "number",
            "fieldType": "number",
            "groupName": GROUP_NAME,
            "description": "Firmographic fit 0-100 against the ICP tiers.",
        }
    return found


def _hubspot_probability(percent: int) -> str:
    """0-100 as HubSpot's 0.0-1.0 in steps of 0.1, halves rounded up (25 -> 0.3)."""
    return f"{math.floor(percent / 10 + 0.5) / 10:.1f}"


def _pipeline(pipeline: Pipeline, order: int) -> dict[str, Any]:
    stages = [
        {
            "label": stage_label(stage),
            "displayOrder": index,
            "metadata": {"probability": _hubspot_probability(stage.probability)},
        }
        for index, stage in enumerate(pipeline.stages)
    ]
    label = pipeline.label or " ".join(p.capitalize() for p in pipeline.id.split("_"))
    return {"label": label, "displayOrder": order, "stages": stages}


def _write_json(path: Path, body: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _requirement_text(requirement: Requirement) -> str:
    if requirement.field is not None:
        return f"`{property_name('opportunity', requirement.field)}` ({requirement.label})"
    return requirement.label


def _checklist(spec: ArchitectureSpec, objects: list[str], pipelines: list[Pipeline]) -> str:
    lines = [
        f"# HubSpot configuration for {spec.company.name}",
        "",
        "Generated from the L2O architecture spec. Run the API calls in this order with a",
        "private app token (scopes: crm.schemas.deals.write, crm.schemas.companies.write,",
        "crm.schemas.contacts.write):",
        "",
        "```sh",
        'AUTH="Authorization: Bearer $HUBSPOT_TOKEN"',
    ]
    for hub_object in objects:
        base = f"https://api.hubapi.com/crm/v3/properties/{hub_object}"
        lines.append(
            f'curl -X POST "{base}/groups" -H "$AUTH" -H "Content-Type: application/json" '
            f"-d @groups/{hub_object}.json"
        )
        lines.append(
            f'curl -X POST "{base}/batch/create" -H "$AUTH" -H "Content-Type: application/json" '
            f"-d @properties/{hub_object}.json"
        )
    for pipeline in pipelines:
        lines.append(
            'curl -X POST "https://api.hubapi.com/crm/v3/pipelines/deals" -H "$AUTH" '
            f'-H "Content-Type: application/json" -d @pipelines/{pipeline.id}.json'
        )
    lines += [
        "```",
        "",
        "## What HubSpot cannot enforce through the API",
        "",
        "Configure each item below in HubSpot, then tick it.",
        "",
    ]
    gates = stage_gates(spec)
    for pipeline in pipelines:
        lines.append(f"### Pipeline `{pipeline.id}`")
        lines.append("")
        for stage in pipeline.stages:
            exact = stage.probability / 100
            if f"{exact:.2f}" != f"{float(_hubspot_probability(stage.probability)):.2f}":
                lines.append(
                    f"- [ ] Stage **{stage_label(stage)}**: the spec's probability is "
                    f"{stage.probability}%; HubSpot holds "
                    f"{_hubspot_probability(stage.probability)} (steps of 0.1)."
                )
        for gate in (g for g in gates if g.pipeline is pipeline):
            verb = "leaving" if gate.kind == "exit" else "entering"
            fields = [r for r in gate.requirements if r.field is not None]
            related = [r for r in gate.requirements if r.field is None]
            target = gate.going_to[0] if gate.going_to else gate.stage
            if fields:
                lines.append(
                    f"- [ ] Before {verb} **{stage_label(gate.stage)}**: make "
                    + ", ".join(_requirement_text(r) for r in fields)
                    + f" required when a deal moves to **{stage_label(target)}** "
                    "(Settings > Objects > Deals > Pipelines > edit stage properties / "
                    "conditional stage properties). The API cannot set stage requirements."
                )
            if related:
                lines.append(
                    f"- [ ] Before {verb} **{stage_label(gate.stage)}**: "
                    + "; ".join(r.label for r in related)
                    + ". HubSpot cannot require associated records on a stage: build a "
                    "workflow that moves the deal back (or alerts the owner) when they are missing."
                )
        if not pipeline.allow_stage_skipping:
            lines.append(
                "- [ ] Stop deals skipping stages (pipeline rules: *Limit ability to skip "
                "stages*, Sales Hub Professional or Enterprise)."
            )
        if not pipeline.allow_backward_moves:
            lines.append(
                "- [ ] Stop deals moving backwards (pipeline rules: *Limit ability to move "
                "deals backwards*)."
            )
        if pipeline.override_roles:
            lines.append(
                f"- [ ] Overrides: only {', '.join(pipeline.override_roles)} may bypass the "
                "rules above: give them a team with the permission to edit pipeline rules, "
                "and ask for the reason in a note."
            )
        stalls = [s for s in pipeline.stages if s.max_days_in_stage is not None]
        for stage in stalls:
            lines.append(
                f"- [ ] Stall limit for **{stage_label(stage)}**: a workflow on *Time in "
                f"{stage_label(stage)}* over {stage.max_days_in_stage} days creates a task for "
                "the owner (the stage has no native limit)."
            )
        lines.append("")
    lines += _other_items(spec)
    return "\n".join(lines).rstrip() + "\n"


def _other_items(spec: ArchitectureSpec) -> list[str]:
    lines = ["### Beyond the pipeline", ""]
    if spec.pricing is not None and spec.pricing.discount_matrix:
        lines.append(
            "- [ ] Discount approvals: HubSpot quote approvals (Sales Hub Enterprise) are "
            "configured in the UI; set the thresholds to the bands below, or route approvals "
            "through a workflow:"
        )
        for band in spec.pricing.discount_matrix:
            approvers = ", ".join(band.approvers) or "no approval"
            lines.append(f"  - `{band.id}`: discount {_band(band.discount_percent)} -> {approvers}")
    if spec.icp is not None and spec.icp.tiers:
        lines.append(
            "- [ ] ICP tier: `icp_tier` and `icp_fit_score` are plain properties; fill them "
            "from L2O (import or API) or a workflow, HubSpot does not score tiers by itself."
        )
    if spec.signals is not None and (spec.signals.slas or spec.signals.routing):
        lines.append(
            "- [ ] Lead routing and response SLAs: rotate leads and escalate missed SLAs with "
            "workflows; the API cannot configure them."
        )
    if spec.lifecycle is not None and spec.lifecycle.renewal is not None:
        windows = ", ".join(str(d) for d in spec.lifecycle.renewal.windows_days)
        lines.append(
            f"- [ ] Renewals: workflows creating renewal deals {windows} days before each "
            "contract ends."
        )
    lines.append("")
    return lines


def _band(band: Any) -> str:
    low = "0" if band.above is None else f"{band.above:g}"
    high = "" if band.up_to is None else f"{band.up_to:g}"
    return f"above {low}%" + (f" up to {high}%" if high else "")
