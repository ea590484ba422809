"""Writing a spec back out: as a plain mapping, as YAML, and the JSON Schema of the format."""

from __future__ import annotations

from typing import Any

import yaml

from l2o.spec.architecture import ArchitectureSpec

__all__ = ["JSON_SCHEMA_DIALECT", "dump_spec", "spec_json_schema", "spec_to_yaml"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def dump_spec(spec: ArchitectureSpec) -> dict[str, Any]:
    """The spec as plain JSON-compatible data, keeping only what was set.

    Fields left at their defaults stay out, so a loaded spec dumps back to what its author
    wrote, and ``load_spec(dump_spec(spec)) == spec``.
    """
    return spec.model_dump(mode="json", exclude_unset=True)


def spec_to_yaml(spec: ArchitectureSpec) -> str:
    """The spec as YAML text, keys in the order the format defines them."""
    return yaml.safe_dump(
        dump_spec(spec), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec format, for editors and for other tools to validate with.

    It describes each section's shape; cross-references (a stage naming a real field, a rule
    naming a declared pool) are checked only by :func:`l2o.spec.load_spec`.
    """
    schema = ArchitectureSpec.model_json_schema(mode="validation")
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["title"] = "L2O architecture spec"
    return schema
