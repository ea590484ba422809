"""Reading a spec file: YAML with line-numbered syntax errors and no silent duplicate keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from l2o.errors import SpecProblem

__all__ = ["read_spec_file"]


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys, which PyYAML would silently overwrite."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
        seen.add(key)
    return loader.construct_mapping(node)


# Dates stay ISO strings (conditions compare them as text); YAML 1.1 would make them dates.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def read_spec_file(path: Path) -> tuple[Any, list[SpecProblem]]:
    """The parsed YAML document at ``path``, or the problems that stopped it being read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [SpecProblem("", f"file not found: {path}", rule="file")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [SpecProblem("", f"cannot read {path}: {exc}", rule="file")]
    try:
        return yaml.load(text, Loader=_StrictLoader), []  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = exc.problem or exc.context or "unreadable"
        return None, [SpecProblem("", f"invalid YAML{where}: {reason}", rule="yaml_syntax")]
    except yaml.YAMLError as exc:
        return None, [SpecProblem("", f"invalid YAML: {exc}", rule="yaml_syntax")]
