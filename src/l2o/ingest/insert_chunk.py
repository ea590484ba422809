"""A chunk of rows whose records are all new, ready to insert column by column.

When the store holds no record of a file's type from its source (a first import: every
row is an insert), the rows need no comparison with stored records, and the work each one
costs the writer can be done while converting (in the second process, for a large batch:
``l2o.ingest.converted_files``): the rows' insert values (``insert_columns``), a column at
a time. ``InsertChunk.of`` does it to a ``RowChunk``; the writer then
resolves each reference column, draws the ids and inserts, with no work per row in Python
unless a reference is not found.

The chunk keeps each accepted row's number, source id and raw cells, so a row whose
reference is not found is quarantined as the row path would quarantine it.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

from l2o.ingest.convert import insert_columns
from l2o.ingest.pipeline import RawCells, RowChunk, raw_by_name, raw_cells
from l2o.ingest.problems import Rejection
from l2o.ingest.records import RECORD_SPECS

__all__ = ["InsertChunk"]


@dataclass
class InsertChunk:
    """Consecutive rows of one file, all new records: the accepted ones as columns.

    ``columns`` holds each field's insert values (the row's, then the domain's defaults:
    ``insert_columns``), reference fields included as their default; ``references`` each
    reference field's source ids, to be resolved to store ids and written over them.
    ``raws`` holds each accepted row's raw cells, as values under ``header`` (or as the row's
    own mapping, where its header differs).
    """

    record_type: str
    row_numbers: list[int] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    columns: dict[str, list[Any]] = field(default_factory=dict)
    references: dict[str, list[str | None]] = field(default_factory=dict)
    header: tuple[str, ...] = ()
    raws: list[RawCells] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @classmethod
    def of(cls, chunk: RowChunk) -> InsertChunk:
        """``chunk``'s rows as new records, ready to insert (each attribute taken from every
        row at once, in C: a Python loop per row costs more than converting it)."""
        rows = chunk.accepted
        spec = RECORD_SPECS[chunk.record_type]
        header, raws = raw_cells(list(map(_RAW, rows)))
        return cls(
            record_type=chunk.record_type,
            row_numbers=list(map(_ROW_NUMBER, rows)),
            source_ids=list(map(_SOURCE_ID, rows)),
            columns=insert_columns(spec, list(map(_VALUES, rows))),
            references=_reference_columns(list(map(_REFERENCES, rows))),
            header=header,
            raws=raws,
            rejected=list(chunk.rejected),
        )

    @property
    def accepted_count(self) -> int:
        """Rows that passed every check so far."""
        return len(self.row_numbers)

    @property
    def rows_read(self) -> int:
        """Rows this chunk accounts for (accepted + refused)."""
        return len(self.row_numbers) + len(self.rejected)

    def raw(self, position: int) -> dict[str, Any]:
        """The raw cells of the accepted row at ``position``, by column name."""
        return raw_by_name(self.header, self.raws[position])

    def extend(self, other: InsertChunk) -> None:
        """Add ``other``'s rows (the next ones of the same file) after these."""
        count, more = self.accepted_count, other.accepted_count
        if more:
            if not count:
                self.header = other.header
            elif other.header != self.header:  # rows of another header: raws by name
                self.raws = [self.raw(i) for i in range(count)]
                self.header = ()
            pairs = ((self.columns, other.columns), (self.references, other.references))
            for mine, theirs in pairs:
                for name in mine.keys() - theirs.keys():
                    mine[name].extend([None] * more)
                for name, values in theirs.items():
                    mine.setdefault(name, [None] * count).extend(values)
            if other.header == self.header:
                self.raws.extend(other.raws)
            else:
                self.raws.extend(other.raw(i) for i in range(more))
            self.row_numbers.extend(other.row_numbers)
            self.source_ids.extend(other.source_ids)
        self.rejected.extend(other.rejected)


_RAW = operator.attrgetter("raw")
_ROW_NUMBER = operator.attrgetter("row_number")
_SOURCE_ID = operator.attrgetter("source_id")
_VALUES = operator.attrgetter("values")
_REFERENCES = operator.attrgetter("references")


def _reference_columns(references: list[dict[str, str | None]]) -> dict[str, list[str | None]]:
    """Each row's references (field -> source id) as one list per field; ``None`` where a
    row does not name the field."""
    names = tuple(references[0]) if references else ()
    if not names and not any(references):
        return {}
    if set(map(len, references)) == {len(names)}:
        try:  # every row names the same fields (rows of one header): taken at once
            if len(names) == 1:
                return {names[0]: [row[names[0]] for row in references]}
            turned = zip(*map(operator.itemgetter(*names), references), strict=True)
            return {name: list(values) for name, values in zip(names, turned, strict=True)}
        except KeyError:
            pass
    every = dict.fromkeys(name for row in references for name in row)
    return {name: [row.get(name) for row in references] for name in every}
