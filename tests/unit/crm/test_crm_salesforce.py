"""The Salesforce package: well-formed metadata, a complete package.xml, a rule per gate."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from l2o.publish.crm.requirements import stage_gates, stage_label
from l2o.publish.crm.salesforce import write_salesforce_package
from l2o.publish.crm.salesforce_fields import SalesforceSchema, api_name
from l2o.spec import ArchitectureSpec, load_spec

EXAMPLES = Path(__file__).parents[3] / "examples"
NS = "{http://soap.sforce.com/2006/04/metadata}"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*(__c)?$")


@pytest.fixture(params=["revenue-machine.yaml", "founder-led.yaml"])
def spec(request: pytest.FixtureRequest) -> ArchitectureSpec:
    return load_spec(EXAMPLES / request.param)


def _members_on_disk(out: Path) -> dict[str, set[str]]:
    """Every component the files hold, by metadata type, read back from the XML."""
    found: dict[str, set[str]] = defaultdict(set)
    child_types = {
        "fields": "CustomField",
        "validationRules": "ValidationRule",
        "recordTypes": "RecordType",
        "businessProcesses": "BusinessProcess",
    }
    for path in (out / "objects").glob("*.object"):
        root = ET.parse(path).getroot()
        for tag, kind in child_types.items():
            for node in root.findall(f"{NS}{tag}"):
                found[kind].add(f"{path.stem}.{node.findtext(f'{NS}fullName')}")
    folders = {
        "pathAssistants": "PathAssistant",
        "standardValueSets": "StandardValueSet",
        "customPermissions": "CustomPermission",
        "settings": "Settings",
    }
    for folder, kind in folders.items():
        for path in (out / folder).glob("*"):
            found[kind].add(path.stem)
    return found


def test_every_file_is_metadata_xml(spec: ArchitectureSpec, tmp_path: Path) -> None:
    written = write_salesforce_package(spec, tmp_path)
    xml_files = [p for p in written if p.suffix != ".md"]
    assert xml_files
    for path in xml_files:
        assert path.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
        root = ET.parse(path).getroot()  # well-formed
        assert root.tag.startswith(NS), path
    assert all(p.exists() for p in written)


def test_package_xml_lists_every_member_written(spec: ArchitectureSpec, tmp_path: Path) -> None:
    write_salesforce_package(spec, tmp_path)
    package = ET.parse(tmp_path / "package.xml").getroot()
    assert package.tag == f"{NS}Package"
    listed: dict[str, set[str]] = {}
    for types in package.findall(f"{NS}types"):
        listed[types.findtext(f"{NS}name") or ""] = {
            m.text or "" for m in types.findall(f"{NS}members")
        }
    assert listed == dict(_members_on_disk(tmp_path))
    assert package.findtext(f"{NS}version")


def test_every_gate_has_a_rule_naming_its_fields(spec: ArchitectureSpec, tmp_path: Path) -> None:
    write_salesforce_package(spec, tmp_path)
    root = ET.parse(tmp_path / "objects" / "Opportunity.object").getroot()
    rules = {
        r.findtext(f"{NS}fullName"): r.findtext(f"{NS}errorConditionFormula") or ""
        for r in root.findall(f"{NS}validationRules")
    }
    gates = stage_gates(spec)
    exits = [g for g in gates if g.kind == "exit"]
    assert exits, "both examples have stages with exit criteria"
    assert len(rules) == len(gates)
    schema = SalesforceSchema(spec)
    for gate in exits:
        formula = rules[api_name(f"Exit_{gate.pipeline.id}_{gate.stage.id}")]
        leaving = [f'TEXT(PRIORVALUE(StageName)) = "{stage_label(s)}"' for s in gate.leaving_from]
        assert all(test in formula for test in leaving)
        assert "ISCHANGED(StageName)" in formula
        assert formula.count("(") == formula.count(")")
        for requirement in gate.requirements:
            if requirement.field is not None:
                name = schema.field("opportunity", requirement.field).name
                assert re.search(rf"\b{name}\b", formula), (name, formula)
            elif requirement.related == "line_items":
                assert "HasOpportunityLineItem" in formula
            else:
                assert f"{api_name(f'{requirement.related}_count')}__c" in formula


def test_names_fit_salesforce_limits(spec: ArchitectureSpec, tmp_path: Path) -> None:
    write_salesforce_package(spec, tmp_path)
    for path in (tmp_path / "objects").glob("*.object"):
        for node in ET.parse(path).getroot():
            name = node.findtext(f"{NS}fullName") or ""
            assert _NAME.match(name), name
            assert len(name.removesuffix("__c")) <= 40, name
            message = node.findtext(f"{NS}errorMessage")
            assert message is None or len(message) <= 255


def test_picklist_and_checkbox_criteria_use_the_right_formula(tmp_path: Path) -> None:
    spec = load_spec(
        {
            "version": 1,
            "company": {"name": "Acme"},
            "custom_fields": {
                "opportunity": [
                    {"name": "deal_room", "type": "picklist", "values": ["open", "shared"]},
                    {"name": "legal_ok", "type": "boolean"},
                ]
            },
            "pipeline": {
                "pipelines": [
                    {
                        "id": "sales",
                        "deal_type": "new_business",
                        "stages": [
                            {
                                "id": "discovery",
                                "probability": 10,
                                "forecast_category": "pipeline",
                                "exit_criteria": [
                                    {"field": "deal_room"},
                                    {"field": "legal_ok"},
                                    {"field": "lead_source"},
                                    {"related": "contact_roles", "min_count": 2},
                                ],
                            },
                            {
                                "id": "won",
                                "probability": 100,
                                "forecast_category": "closed",
                                "outcome": "won",
                            },
                        ],
                    }
                ]
            },
        }
    )
    write_salesforce_package(spec, tmp_path)
    root = ET.parse(tmp_path / "objects" / "Opportunity.object").getroot()
    (rule,) = root.findall(f"{NS}validationRules")
    formula = rule.findtext(f"{NS}errorConditionFormula") or ""
    assert "ISBLANK(TEXT(Deal_Room__c))" in formula
    assert "NOT(Legal_Ok__c)" in formula
    assert "ISBLANK(TEXT(LeadSource))" in formula
    assert "Contact_Roles_Count__c < 2" in formula
    assert 'ISPICKVAL(StageName, "Won")' in formula
    picklist = next(
        f for f in root.findall(f"{NS}fields") if f.findtext(f"{NS}fullName") == "Deal_Room__c"
    )
    values = [v.findtext(f"{NS}fullName") for v in picklist.iter(f"{NS}value")]
    assert values == ["open", "shared"]
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "Opportunity.Contact_Roles_Count__c" in readme


def test_path_per_pipeline_with_guidance(spec: ArchitectureSpec, tmp_path: Path) -> None:
    write_salesforce_package(spec, tmp_path)
    assert spec.pipeline is not None
    paths = sorted((tmp_path / "pathAssistants").glob("*.pathAssistant"))
    assert len(paths) == len(spec.pipeline.pipelines)
    for path in paths:
        root = ET.parse(path).getroot()
        assert root.findtext(f"{NS}fieldName") == "StageName"
        assert root.findtext(f"{NS}entityName") == "Opportunity"
        steps = root.findall(f"{NS}pathAssistantSteps")
        assert steps
        assert all(step.findtext(f"{NS}info") for step in steps)
