"""Salesforce Metadata API XML: the namespace, element building and file writing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["API_VERSION", "METADATA_NS", "element", "write_xml"]

METADATA_NS = "http://soap.sforce.com/2006/04/metadata"
"""The namespace every Metadata API file's root element declares."""

API_VERSION = "60.0"
"""The Metadata API version ``package.xml`` asks for."""

ET.register_namespace("", METADATA_NS)

Child = tuple[str, "str | bool | int | float | Sequence[Child] | ET.Element"]


def _tag(name: str) -> str:
    return f"{{{METADATA_NS}}}{name}"


def _text(value: str | bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def element(name: str, children: Sequence[Child] | Mapping[str, object] = ()) -> ET.Element:
    """An element in the metadata namespace; children are ``(tag, value)`` pairs, where a
    value is text, a nested list of pairs, or an element."""
    node = ET.Element(_tag(name))
    items = children.items() if isinstance(children, Mapping) else children
    for tag, value in items:
        if isinstance(value, ET.Element):
            node.append(value)
        elif isinstance(value, str | bool | int | float):
            child = ET.SubElement(node, _tag(tag))
            child.text = _text(value)
        else:
            node.append(element(tag, value))  # type: ignore[arg-type]
    return node


def write_xml(root: ET.Element, path: Path) -> Path:
    """Write ``root`` indented, as UTF-8 with an XML declaration."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(root, space="    ")
    text = ET.tostring(root, encoding="unicode")
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n', encoding="utf-8")
    return path
