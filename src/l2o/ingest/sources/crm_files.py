"""What CRM adapters share: recognising an object's file, mapping its columns, value maps.

A CRM object (Salesforce ``Opportunity``, HubSpot ``deal``) is described as data - an
``ObjectMap``: the record type it becomes, which source columns feed which neutral field
(matched by ``header_key``, so ``StageName``, ``stage_name`` and ``Stage Name`` agree), and
value maps for picklists. ``map_row`` applies it to one row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from l2o.ingest.csvfile import CsvRow, read_csv, read_header
from l2o.ingest.problems import Rejection, safe_raw
from l2o.ingest.sources.base import NeutralRow, SourceFile, SourcePlan, header_key

__all__ = ["ObjectMap", "file_key", "map_row", "plan_objects", "read_mapped"]

_TRUE = {"true", "1", "yes", "t"}


@dataclass(frozen=True)
class ObjectMap:
    """One CRM object: its record type, ``field -> source column names``, picklist maps.

    ``values`` maps a field's source value (compared lower-case) to the neutral one;
    ``row_filter`` keeps only some rows (e.g. the ``StageName`` rows of a field history).
    """

    record_type: str
    columns: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    signature: tuple[str, ...] = ()

    def resolve(self, header: list[str]) -> dict[str, str]:
        """``field -> header name`` for the columns of ``header`` this object uses."""
        by_key = {header_key(name): name for name in header}
        found: dict[str, str] = {}
        for target, aliases in self.columns.items():
            for alias in aliases:
                if header_key(alias) in by_key:
                    found[target] = by_key[header_key(alias)]
                    break
        return found


def file_key(path: Path, noise: frozenset[str]) -> str:
    """A file name reduced to its object: ``sf_opportunity_data.csv`` -> ``opportunity``."""
    tokens = re.split(r"[^a-z0-9]+", path.stem.lower())
    kept = [t for t in tokens if t and t not in noise and not t.isdigit()]
    return "".join(kept)


def plan_objects(
    directory: Path,
    objects: Mapping[str, ObjectMap],
    noise: frozenset[str],
    order: tuple[str, ...],
) -> SourcePlan:
    """Match each CSV file in ``directory`` to an object by name, else by header signature."""
    plan = SourcePlan()
    matched: list[tuple[int, SourceFile]] = []
    for path in sorted(directory.glob("*.csv")):
        key = file_key(path, noise)
        names = [key] if key in objects else []
        if not names and not key.endswith("history"):
            # By header only when the name says nothing: a history table of accounts has
            # the accounts' columns but is not the accounts.
            keys = {header_key(h) for h in read_header(path)}
            names = [
                name
                for name, obj in objects.items()
                if obj.signature and all(header_key(s) in keys for s in obj.signature)
            ]
        if not names:
            plan.skipped[path.name] = "not an object this source adapter imports"
            continue
        for name in names[:1] if key not in objects else names:
            obj = objects[name]
            header = read_header(path)
            used = set(obj.resolve(header).values())
            ignored = tuple(h for h in header if h not in used)
            source_file = SourceFile(obj.record_type, path, ignored, kind=name)
            matched.append((order.index(obj.record_type), source_file))
    plan.files = [source_file for _, source_file in sorted(matched, key=lambda m: m[0])]
    return plan


def map_row(
    obj: ObjectMap, columns: Mapping[str, str], cells: Mapping[str, str]
) -> dict[str, str | None]:
    """The neutral row for ``cells`` under ``obj``: mapped columns, picklists, defaults."""
    neutral: dict[str, str | None] = dict(obj.defaults)
    for target, column in columns.items():
        value = cells.get(column)
        if value is not None and target in obj.values and value.strip():
            value = obj.values[target].get(value.strip().lower(), value)
        neutral[target] = value
    return neutral


def is_true(value: str | None) -> bool:
    """A CRM boolean cell (``true``, ``TRUE``, ``1``)."""
    return (value or "").strip().lower() in _TRUE


def read_mapped(
    source_file: SourceFile,
    obj: ObjectMap,
    refuse: Callable[[dict[str, str]], tuple[str, str, str] | None] | None = None,
) -> Iterator[NeutralRow | Rejection]:
    """Rows of ``source_file`` mapped through ``obj``; ``refuse`` may turn a row away
    with ``(field, rule, message)`` (e.g. records deleted in the source)."""
    header = read_header(source_file.path)
    columns = obj.resolve(header)
    for row in read_csv(source_file.path, obj.record_type):
        if not isinstance(row, CsvRow):
            yield row
            continue
        why = refuse(row.cells) if refuse else None
        if why is not None:
            field_, rule, message = why
            yield Rejection(
                obj.record_type,
                row.row_number,
                field_,
                rule,
                message,
                safe_raw(dict[str, Any](row.cells)),
                source_file.path.name,
            )
            continue
        yield NeutralRow(row.row_number, map_row(obj, columns, row.cells), dict(row.cells))
