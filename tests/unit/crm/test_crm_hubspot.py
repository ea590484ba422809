"""The HubSpot package: property and pipeline JSON in the API's shapes, and the checklist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from l2o.publish.crm.hubspot import write_hubspot_package
from l2o.publish.crm.requirements import stage_gates, stage_label
from l2o.spec import ArchitectureSpec, load_spec

EXAMPLES = Path(__file__).parents[3] / "examples"
_TYPES = {
    "string": {"text", "textarea"},
    "number": {"number"},
    "date": {"date"},
    "bool": {"booleancheckbox"},
    "enumeration": {"select", "radio", "checkbox"},
}


@pytest.fixture(params=["revenue-machine.yaml", "founder-led.yaml"])
def spec(request: pytest.FixtureRequest) -> ArchitectureSpec:
    return load_spec(EXAMPLES / request.param)


def test_properties_have_the_api_shape(spec: ArchitectureSpec, tmp_path: Path) -> None:
    write_hubspot_package(spec, tmp_path)
    files = sorted((tmp_path / "properties").glob("*.json"))
    assert files
    for path in files:
        group = json.loads((tmp_path / "groups" / path.name).read_text())
        assert set(group) >= {"name", "label"}
        body = json.loads(path.read_text())
        names = [prop["name"] for prop in body["inputs"]]
        assert len(names) == len(set(names))
        for prop in body["inputs"]:
            assert set(prop) >= {"name", "label", "type", "fieldType", "groupName"}
            assert prop["groupName"] == group["name"]
            assert prop["fieldType"] in _TYPES[prop["type"]]
            if prop["type"] in ("enumeration", "bool"):
                assert prop["options"]
                assert all({"label", "value"} <= set(o) for o in prop["options"])


def test_icp_tier_is_a_company_picklist(tmp_path: Path) -> None:
    spec = load_spec(EXAMPLES / "revenue-machine.yaml")
    write_hubspot_package(spec, tmp_path)
    body = json.loads((tmp_path / "properties" / "companies.json").read_text())
    tier = next(p for p in body["inputs"] if p["name"] == "icp_tier")
    assert [o["value"] for o in tier["options"]] == ["tier_1", "tier_2", "tier_3"]


def test_pipelines_have_the_api_shape(spec: ArchitectureSpec, tmp_path: Path) -> None:
    write_hubspot_package(spec, tmp_path)
    assert spec.pipeline is not None
    for pipeline in spec.pipeline.pipelines:
        body = json.loads((tmp_path / "pipelines" / f"{pipeline.id}.json").read_text())
        assert set(body) >= {"label", "displayOrder", "stages"}
        labels = [stage["label"] for stage in body["stages"]]
        assert len(labels) == len(set(labels))
        assert [s["displayOrder"] for s in body["stages"]] == list(range(len(labels)))
        for stage, spec_stage in zip(body["stages"], pipeline.stages, strict=True):
            probability = float(stage["metadata"]["probability"])
            assert isinstance(stage["metadata"]["probability"], str)
            assert 0.0 <= probability <= 1.0
            assert abs(probability - spec_stage.probability / 100) <= 0.05 + 1e-9
            if spec_stage.outcome == "won":
                assert probability == 1.0
            if spec_stage.outcome == "lost":
                assert probability == 0.0


def test_checklist_names_every_gate(spec: ArchitectureSpec, tmp_path: Path) -> None:
    write_hubspot_package(spec, tmp_path)
    checklist = (tmp_path / "CHECKLIST.md").read_text(encoding="utf-8")
    assert "/crm/v3/pipelines/deals" in checklist
    for gate in stage_gates(spec):
        verb = "leaving" if gate.kind == "exit" else "entering"
        assert f"Before {verb} **{stage_label(gate.stage)}**" in checklist
