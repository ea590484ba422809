"""A deployable Salesforce metadata package (Metadata API format) from an architecture spec.

What it holds::

    package.xml                                   every member below, by type
    objects/Opportunity.object                    custom fields (qualification, counters),
                                                  a record type and sales process per
                                                  pipeline, a validation rule per stage gate
    objects/Account.object                        ICP tier picklist and fit score
    objects/Lead.object, objects/Contact.object   the spec's custom fields, if any
    standardValueSets/OpportunityStage.standardValueSet   stages with probability, category
    pathAssistants/<Pipeline>.pathAssistant       a Path per pipeline: key fields, guidance
    customPermissions/L2O_Stage_Gate_Override.customPermission   (when overrides are allowed)
    settings/PathAssistant.settings               turns Path on
    README.md                                     how to deploy; what automation must do

Deploy with ``sf project deploy start --metadata-dir <dir> --target-org <alias>``.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from l2o.publish.crm.requirements import StageGate, stage_gates, stage_label
from l2o.publish.crm.salesforce_fields import (
    OBJECTS,
    SalesforceField,
    SalesforceSchema,
    api_name,
)
from l2o.publish.crm.salesforce_xml import API_VERSION, Child, element, write_xml
from l2o.spec import ArchitectureSpec
from l2o.spec.pipeline import Pipeline, Stage

__all__ = ["OVERRIDE_PERMISSION", "write_salesforce_package"]

OVERRIDE_PERMISSION = "L2O_Stage_Gate_Override"
"""The custom permission that lets a user move a deal past a gate (the spec's override roles)."""

_FORECAST = {
    "pipeline": "Pipeline",
    "best_case": "BestCase",
    "commit": "Forecast",
    "closed": "Closed",
    "omitted": "Omitted",
}
_MAX_KEY_FIELDS = 5
_MAX_MESSAGE = 255


def write_salesforce_package(spec: ArchitectureSpec, out_dir: Path) -> list[Path]:
    """Write the Salesforce package for ``spec`` into ``out_dir``; return the files written."""
    out_dir = Path(out_dir)
    schema = SalesforceSchema(spec)
    pipelines = spec.pipeline.pipelines if spec.pipeline else []
    gates = stage_gates(spec)
    rules = [_validation_rule(gate, schema, len(pipelines)) for gate in gates]
    members: dict[str, list[str]] = defaultdict(list)
    written: list[Path] = []
    by_object: dict[str, list[Child]] = defaultdict(list)
    for field in schema.custom_fields():
        by_object[field.object].append(("fields", _custom_field(field)))
        members["CustomField"].append(field.member)
    for pipeline in pipelines:
        name = api_name(pipeline.id)
        by_object["Opportunity"].append(("businessProcesses", _business_process(pipeline)))
        by_object["Opportunity"].append(("recordTypes", _record_type(pipeline)))
        members["BusinessProcess"].append(f"Opportunity.{name}")
        members["RecordType"].append(f"Opportunity.{name}")
    for rule_name, rule in rules:
        by_object["Opportunity"].append(("validationRules", rule))
        members["ValidationRule"].append(f"Opportunity.{rule_name}")
    for sf_object in sorted(by_object):
        root = element("CustomObject", _object_order(by_object[sf_object]))
        written.append(write_xml(root, out_dir / "objects" / f"{sf_object}.object"))
    if pipelines:
        written.append(
            write_xml(
                _stage_values(pipelines),
                out_dir / "standardValueSets" / "OpportunityStage.standardValueSet",
            )
        )
        members["StandardValueSet"].append("OpportunityStage")
        for pipeline in pipelines:
            name = api_name(pipeline.id)
            path = out_dir / "pathAssistants" / f"{name}.pathAssistant"
            written.append(write_xml(_path(pipeline, gates, schema), path))
            members["PathAssistant"].append(name)
        written.append(
            write_xml(
                element("PathAssistantSettings", [("pathAssistantEnabled", True)]),
                out_dir / "settings" / "PathAssistant.settings",
            )
        )
        members["Settings"].append("PathAssistant")
    if any(p.override_roles for p in pipelines):
        permission = element(
            "CustomPermission",
            [
                ("description", "May move an opportunity past a stage gate it does not meet."),
                ("isLicensed", False),
                ("label", "L2O stage gate override"),
            ],
        )
        written.append(
            write_xml(
                permission,
                out_dir / "customPermissions" / f"{OVERRIDE_PERMISSION}.customPermission",
            )
        )
        members["CustomPermission"].append(OVERRIDE_PERMISSION)
    written.insert(0, write_xml(_package(members), out_dir / "package.xml"))
    readme = out_dir / "README.md"
    readme.write_text(_readme(spec, schema, pipelines), encoding="utf-8")
    written.append(readme)
    return written


# --- fields ------------------------------------------------------------------------------


def _custom_field(field: SalesforceField) -> ET.Element:
    children: list[Child] = [("fullName", field.name)]
    if field.description:
        children.append(("description", field.description[:1000]))
    children.append(("label", field.label[:40]))
    if field.type == "Text":
        children += [("length", 255), ("required", False)]
    elif field.type in ("Number", "Currency", "Percent"):
        children += [("precision", 18), ("required", False), ("scale", 2)]
    elif field.type == "Checkbox":
        children.insert(1, ("defaultValue", False))
    elif field.type == "Date":
        children.append(("required", False))
    children.append(("type", field.type))
    if field.type == "Picklist":
        values: list[Child] = [
            ("value", [("fullName", value), ("default", False), ("label", label[:255])])
            for value, label in field.values
        ]
        children.append(
            (
                "valueSet",
                [("restricted", True), ("valueSetDefinition", [("sorted", False), *values])],
            )
        )
    return element("fields", children)


_OBJECT_CHILD_ORDER = ("businessProcesses", "fields", "recordTypes", "validationRules")


def _object_order(children: list[Child]) -> list[Child]:
    """CustomObject children grouped in the order the metadata schema lists them."""
    return sorted(children, key=lambda child: _OBJECT_CHILD_ORDER.index(child[0]))


# --- pipelines ---------------------------------------------------------------------------


def _business_process(pipeline: Pipeline) -> ET.Element:
    values: list[Child] = [
        ("values", [("fullName", stage_label(stage)), ("default", False)])
        for stage in pipeline.stages
    ]
    return element(
        "businessProcesses",
        [
            ("fullName", api_name(pipeline.id)),
            ("description", f"Stages of the '{pipeline.id}' pipeline ({pipeline.deal_type})."),
            ("isActive", True),
            *values,
        ],
    )


def _record_type(pipeline: Pipeline) -> ET.Element:
    return element(
        "recordTypes",
        [
            ("fullName", api_name(pipeline.id)),
            ("active", True),
            ("businessProcess", api_name(pipeline.id)),
            ("label", (pipeline.label or stage_label_text(pipeline.id))[:80]),
        ],
    )


def stage_label_text(identifier: str) -> str:
    """An identifier in title case: ``new_business`` -> ``New Business``."""
    return " ".join(part.capitalize() for part in identifier.split("_"))


def _stage_values(pipelines: list[Pipeline]) -> ET.Element:
    seen: dict[str, Stage] = {}
    for pipeline in pipelines:
        for stage in pipeline.stages:
            seen.setdefault(stage_label(stage), stage)
    values: list[Child] = []
    for label, stage in seen.items():
        values.append(
            (
                "standardValue",
                [
                    ("fullName", label),
                    ("default", False),
                    ("label", label),
                    ("closed", stage.outcome != "open"),
                    ("forecastCategory", _FORECAST[stage.forecast_category]),
                    ("probability", stage.probability),
                    ("won", stage.outcome == "won"),
                ],
            )
        )
    return element("StandardValueSet", [("sorted", False), *values])


def _picklist_is(stages: list[Stage]) -> str:
    tests = [f'ISPICKVAL(StageName, "{_quote(stage_label(s))}")' for s in stages]
    return tests[0] if len(tests) == 1 else f"OR({', '.join(tests)})"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _validation_rule(
    gate: StageGate, schema: SalesforceSchema, n_pipelines: int
) -> tuple[str, ET.Element]:
    stage = stage_label(gate.stage)
    pipeline_label = gate.pipeline.label or stage_label_text(gate.pipeline.id)
    missing = []
    fields: list[str] = []
    for requirement in gate.requirements:
        formula, names = schema.requirement_missing(requirement)
        missing.append(formula)
        fields += names
    conditions = ["ISCHANGED(StageName)"]
    if gate.kind == "exit":
        prior = [
            f'TEXT(PRIORVALUE(StageName)) = "{_quote(stage_label(s))}"' for s in gate.leaving_from
        ]
        conditions.append(prior[0] if len(prior) == 1 else f"OR({', '.join(prior)})")
    conditions.append(_picklist_is(gate.going_to))
    conditions.append(f'RecordType.DeveloperName = "{api_name(gate.pipeline.id)}"')
    if gate.pipeline.override_roles:
        conditions.append(f"NOT($Permission.{OVERRIDE_PERMISSION})")
    conditions.append(missing[0] if len(missing) == 1 else f"OR({', '.join(missing)})")
    formula = "AND(\n    " + ",\n    ".join(conditions) + "\n)"
    needs = "; ".join(r.label for r in gate.requirements)
    if gate.kind == "exit":
        message = f"Before leaving {stage} ({pipeline_label}) the deal needs: {needs}."
    else:
        message = f"Before entering {stage} ({pipeline_label}) the deal needs: {needs}."
    prefix = "Exit" if gate.kind == "exit" else "Entry"
    name = api_name(f"{prefix}_{gate.pipeline.id}_{gate.stage.id}")
    rule = element(
        "validationRules",
        [
            ("fullName", name),
            ("active", True),
            (
                "description",
                f"L2O stage gate: the {gate.kind} criteria of '{gate.stage.id}' in pipeline "
                f"'{gate.pipeline.id}'. Fields: {', '.join(dict.fromkeys(fields))}.",
            ),
            ("errorConditionFormula", formula),
            ("errorMessage", message[:_MAX_MESSAGE]),
        ],
    )
    del n_pipelines  # every pipeline has its record type, so rules always name theirs
    return name, rule


def _path(pipeline: Pipeline, gates: list[StageGate], schema: SalesforceSchema) -> ET.Element:
    exits = {g.stage.id: g for g in gates if g.pipeline is pipeline and g.kind == "exit"}
    steps: list[Child] = []
    for stage in pipeline.stages:
        gate = exits.get(stage.id)
        fields: list[str] = []
        guidance = [f"Probability {stage.probability}%."]
        if gate is not None:
            for requirement in gate.requirements:
                _, names = schema.requirement_missing(requirement)
                fields += [n for n in names if n != "HasOpportunityLineItem"]
            needs = "".join(f"<li>{html.escape(r.label)}</li>" for r in gate.requirements)
            guidance.append(f"To move on, the deal needs:</p><ul>{needs}</ul><p>")
        if stage.max_days_in_stage is not None:
            guidance.append(f"Stall limit: {stage.max_days_in_stage} days in this stage.")
        key_fields = list(dict.fromkeys(fields))[:_MAX_KEY_FIELDS]
        step: list[Child] = [("fieldNames", name) for name in key_fields]
        step.append(("info", "<p>" + " ".join(guidance) + "</p>"))
        step.append(("picklistValueName", stage_label(stage)))
        steps.append(("pathAssistantSteps", step))
    return element(
        "PathAssistant",
        [
            ("active", True),
            ("entityName", "Opportunity"),
            ("fieldName", "StageName"),
            ("masterLabel", (pipeline.label or stage_label_text(pipeline.id))[:80]),
            *steps,
            ("recordTypeName", api_name(pipeline.id)),
        ],
    )


# --- package.xml and README ------------------------------------------------------------


def _package(members: dict[str, list[str]]) -> ET.Element:
    types: list[Child] = []
    for type_name in sorted(members):
        names = sorted(dict.fromkeys(members[type_name]))
        types.append(("types", [*(("members", m) for m in names), ("name", type_name)]))
    return element("Package", [*types, ("version", API_VERSION)])


def _readme(spec: ArchitectureSpec, schema: SalesforceSchema, pipelines: list[Pipeline]) -> str:
    lines = [
        f"# Salesforce configuration for {spec.company.name}",
        "",
        "Generated from the L2O architecture spec. Metadata API format: deploy it with",
        "",
        "    sf project deploy start --metadata-dir . --target-org <alias> --dry-run",
        "    sf project deploy start --metadata-dir . --target-org <alias>",
        "",
        "Deploy to a sandbox first. `OpportunityStage` lists every stage of every pipeline;",
        "stages already in the org and not listed here stay as they are.",
        "",
        "## What automation must keep up to date",
        "",
    ]
    counters = schema.counters()
    if counters:
        lines.append(
            "Validation rules cannot count related records. These number fields stand in, "
            "and a record-triggered Flow (or Apex) must keep them current:"
        )
        lines.append("")
        lines += [f"- `{f.member}`: {f.description}" for f in counters]
    else:
        lines.append("Nothing: every gate reads fields on the opportunity.")
    overrides = sorted({role for p in pipelines for role in p.override_roles})
    lines += ["", "## Gate overrides", ""]
    if overrides:
        lines.append(
            f"Assign the custom permission `{OVERRIDE_PERMISSION}` (through a permission set) "
            f"to the people holding these roles: {', '.join(overrides)}. Record their reason "
            "in the opportunity's next step or a note; L2O audits overrides it sees."
        )
    else:
        lines.append("No pipeline allows overrides: nobody can move a deal past a gate.")
    skipping = [p.id for p in pipelines if p.allow_stage_skipping]
    if skipping:
        lines += [
            "",
            f"Pipelines that allow stage skipping ({', '.join(skipping)}) still check the exit "
            "criteria of every stage a deal jumps over.",
        ]
    lines += ["", "## Fields and record types", ""]
    lines += [f"- `{f.member}` ({f.type}): {f.label}" for f in schema.custom_fields()]
    lines += [f"- record type and sales process `Opportunity.{api_name(p.id)}`" for p in pipelines]
    lines.append("")
    lines.append(f"Objects: {', '.join(sorted(set(OBJECTS.values())))}.")
    return "\n".join(lines) + "\n"
