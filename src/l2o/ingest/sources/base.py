"""What a source adapter is: a plan of files, and each file's rows as neutral rows.

An adapter knows one export format (L2O's neutral CSV, Salesforce, HubSpot, a mapping
YAML). It looks at a folder, says which file holds which record type (``plan``), and reads
each file into *neutral rows*: ``{field: text}`` in ``l2o.domain``'s names, with the raw
row kept for quarantine (``rows``). Everything after that - checking, standardizing,
resolving references, writing - is the same for every source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from l2o.ingest.convert import ValueFormats
from l2o.ingest.problems import Rejection

__all__ = [
    "NeutralRow",
    "SourceAdapter",
    "SourceFile",
    "SourcePlan",
    "header_key",
]


@dataclass(frozen=True)
class NeutralRow:
    """A source row in neutral field names (values still text), and the row as read."""

    row_number: int
    values: Mapping[str, str | None]
    raw: dict[str, Any]


@dataclass(frozen=True)
class SourceFile:
    """A file to import as ``record_type``; ``ignored_columns`` are read but not imported.

    ``kind`` is the adapter's own name for what the file holds (``OpportunityFieldHistory``),
    when one file feeds more than one record type or needs special reading.
    """

    record_type: str
    path: Path
    ignored_columns: tuple[str, ...] = ()
    kind: str = ""


@dataclass
class SourcePlan:
    """What an import of a folder will read, and what it leaves out and why."""

    files: list[SourceFile] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def warnings(self) -> list[str]:
        """One line per skipped file and per file with columns that are not imported."""
        lines = [f"{name}: not imported - {why}" for name, why in self.skipped.items()]
        for source_file in self.files:
            if source_file.ignored_columns:
                columns = ", ".join(source_file.ignored_columns[:12])
                more = len(source_file.ignored_columns) - 12
                suffix = f" and {more} more" if more > 0 else ""
                lines.append(f"{source_file.path.name}: columns not imported: {columns}{suffix}")
        return lines


class SourceAdapter(Protocol):
    """One export format. ``name`` is the ``source_system`` records are keyed by."""

    name: str
    formats: ValueFormats

    def plan(self, directory: Path) -> SourcePlan:
        """Which files in ``directory`` hold which record type (and which are skipped)."""
        ...

    def rows(self, source_file: SourceFile) -> Iterator[NeutralRow | Rejection]:
        """The file's rows as neutral rows; broken rows as rejections."""
        ...


def header_key(name: str) -> str:
    """A header reduced for matching: ``StageName``, ``stage_name`` and ``Stage Name`` agree."""
    return re.sub(r"[^a-z0-9]", "", name.lower())
