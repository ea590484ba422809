"""L2O's own neutral CSV set (docs/neutral-csv.md): ``leads.csv`` holds leads, and so on.

Columns are the domain's field names, so the adapter only has to pick the files: each
``<record type>.csv`` in the folder whose record type this version of L2O stores. Other
CSV files (``duplicates.csv`` beside simulated data, unknown types) are listed as skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from l2o.ingest.convert import ValueFormats
from l2o.ingest.csvfile import CsvRow, read_csv, read_header
from l2o.ingest.problems import Rejection
from l2o.ingest.records import IMPORT_ORDER, RECORD_SPECS
from l2o.ingest.sources.base import NeutralRow, SourceFile, SourcePlan

__all__ = ["NeutralSource"]

# Written beside a simulated company; truth for benchmarks, not records.
_TRUTH_FILES = {"duplicates"}


class NeutralSource:
    """Reads the neutral CSV set written by ``l2o simulate --csv-dir`` (or by hand)."""

    formats = ValueFormats()

    def __init__(self, name: str = "neutral", record_types: tuple[str, ...] | None = None) -> None:
        self.name = name
        self.record_types = record_types or IMPORT_ORDER

    def plan(self, directory: Path) -> SourcePlan:
        """The record-type files in ``directory``, in import order."""
        plan = SourcePlan()
        present = {path.stem: path for path in sorted(directory.glob("*.csv"))}
        for record_type in self.record_types:
            path = present.pop(record_type, None)
            if path is None:
                continue
            known = set(RECORD_SPECS[record_type].fields) | {"id"}
            ignored = tuple(name for name in read_header(path) if name.strip() not in known)
            plan.files.append(SourceFile(record_type, path, ignored))
        for stem, path in present.items():
            plan.skipped[path.name] = (
                "ground truth of simulated data, not records"
                if stem in _TRUTH_FILES
                else "no record type of that name in this version of L2O"
            )
        return plan

    def rows(self, source_file: SourceFile) -> Iterator[NeutralRow | Rejection]:
        """Each row as read: the neutral columns are already the fields."""
        for row in read_csv(source_file.path, source_file.record_type):
            if isinstance(row, CsvRow):
                # The cells are both the neutral row and the raw row: neither is changed.
                yield NeutralRow(row.row_number, row.cells, row.cells)
            else:
                yield row
