"""The committed JSON Schema matches the models, and it accepts what the loader accepts."""

from __future__ import annotations

import json
from pathlib import Path

from l2o.spec import spec_json_schema

REGENERATE = "run `l2o spec schema --out schemas/architecture.schema.json`"


def test_committed_schema_is_current(project_root: Path) -> None:
    committed = project_root / "schemas" / "architecture.schema.json"
    assert committed.exists(), f"schemas/architecture.schema.json is missing: {REGENERATE}"
    assert json.loads(committed.read_text(encoding="utf-8")) == spec_json_schema(), (
        f"schemas/architecture.schema.json is stale: {REGENERATE}"
    )


def test_schema_describes_every_section_and_forbids_unknown_keys() -> None:
    schema = spec_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"version", "company"}
    for section in (
        "icp",
        "pipeline",
        "signals",
        "commercial",
        "pricing",
        "lifecycle",
        "workflows",
    ):
        assert section in schema["properties"]
    objects = [d for d in schema["$defs"].values() if d.get("type") == "object"]
    assert objects
    assert all(d.get("additionalProperties") is False for d in objects)
