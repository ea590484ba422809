"""Writing a spec mapping as YAML with the evidence for each value as comments above it.

PyYAML cannot write comments, so the block structure is written here and every scalar and
short flow collection is left to ``yaml.safe_dump`` (which knows when a string needs quotes).
Parsing the text back gives exactly the mapping written; the tests hold it to that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from l2o.assess.proposal.evidence import SpecPath

__all__ = ["commented_yaml"]

_FLOW_WIDTH = 96
_INDENT = "  "


def commented_yaml(
    data: Mapping[str, Any],
    notes: Mapping[SpecPath, Sequence[str]],
    header: Sequence[str] = (),
) -> str:
    """``data`` as block YAML, each path's ``notes`` as comments above its key.

    >>> print(commented_yaml({"a": {"b": 1}}, {("a", "b"): ["why b is 1"]}), end="")
    a:
      # why b is 1
      b: 1
    """
    lines = [_comment(text, "") for text in header]
    if header:
        lines.append("")
    _mapping(data, (), 0, notes, lines, top=True)
    return "\n".join(lines) + "\n"


def _comment(text: str, indent: str) -> str:
    return f"{indent}# {text}".rstrip() if text else f"{indent}#"


_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def _flow(value: Any) -> str:
    """``value`` as one line of flow YAML (escaped when the text holds line breaks)."""
    if isinstance(value, str) and _breaks(value):
        # A JSON string is a YAML double-quoted scalar: every break escaped, on one line.
        text = json.dumps(value, ensure_ascii=False)
        return text.replace("\x85", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")
    return _dump(value, allow_unicode=True)


def _breaks(value: Any) -> bool:
    """Whether a string anywhere in ``value`` holds a line break."""
    if isinstance(value, str):
        return any(mark in value for mark in _LINE_BREAKS)
    if isinstance(value, Mapping):
        return any(_breaks(k) or _breaks(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_breaks(item) for item in value)
    return False


def _dump(value: Any, *, allow_unicode: bool) -> str:
    text = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=allow_unicode, sort_keys=False, width=10**6
    ).strip()
    # A lone scalar is dumped as a document: drop the end marker.
    return text.removesuffix("\n...").removesuffix("...").strip()


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def _is_flat(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value))


def _has_notes(path: SpecPath, notes: Mapping[SpecPath, Sequence[str]]) -> bool:
    return any(p[: len(path)] == path and len(p) > len(path) for p in notes)


def _inline(value: Any, path: SpecPath, notes: Mapping[SpecPath, Sequence[str]]) -> str | None:
    """The value as one flow-style line when it is small and nothing inside it has notes."""
    if _is_scalar(value) or not value:
        return _flow(value)
    if _has_notes(path, notes) or _breaks(value):
        return None
    items = value.values() if isinstance(value, Mapping) else value
    if not all(_is_flat(item) for item in items):
        return None
    text = _flow(value)
    return text if len(text) <= _FLOW_WIDTH else None


def _mapping(
    data: Mapping[str, Any],
    path: SpecPath,
    depth: int,
    notes: Mapping[SpecPath, Sequence[str]],
    lines: list[str],
    *,
    top: bool = False,
    first_prefix: str | None = None,
) -> None:
    indent = _INDENT * depth
    for index, (key, value) in enumerate(data.items()):
        child = (*path, key)
        if top and index > 0 and isinstance(value, Mapping | list):
            lines.append("")
        prefix = indent
        if first_prefix is not None and index == 0:
            prefix = first_prefix
        else:
            lines.extend(_comment(text, indent) for text in notes.get(child, ()))
        inline = _inline(value, child, notes)
        if inline is not None:
            lines.append(f"{prefix}{_flow(key)}: {inline}")
        elif isinstance(value, Mapping):
            lines.append(f"{prefix}{_flow(key)}:")
            _mapping(value, child, depth + 1, notes, lines)
        else:
            lines.append(f"{prefix}{_flow(key)}:")
            _sequence(value, child, depth + 1, notes, lines)


def _sequence(
    items: list[Any],
    path: SpecPath,
    depth: int,
    notes: Mapping[SpecPath, Sequence[str]],
    lines: list[str],
) -> None:
    indent = _INDENT * depth
    for index, item in enumerate(items):
        child = (*path, index)
        lines.extend(_comment(text, indent) for text in notes.get(child, ()))
        inline = _inline(item, child, notes)
        if inline is not None:
            lines.append(f"{indent}- {inline}")
        elif isinstance(item, Mapping):
            # Notes on the item's first key go above the dash: a comment cannot follow it.
            first = next(iter(item))
            lines.extend(_comment(text, indent) for text in notes.get((*child, first), ()))
            _mapping(item, child, depth + 1, notes, lines, first_prefix=f"{indent}- ")
        else:
            lines.append(f"{indent}-")
            _sequence(item, child, depth + 1, notes, lines)
