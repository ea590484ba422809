"""The pure half of an import: a source file's rows, checked, in chunks. No store access.

``checked_chunks`` reads one planned file through its adapter, converts each neutral row
(``RowConverter``) and yields ``RowChunk``s of accepted (``StagedRow``) and refused
(``Rejection``) rows, so a file of any size streams in bounded memory. A source id seen
twice in one file is refused the second time (rule ``duplicate_source_id``): which of the
two is right cannot be known, and the first one already stands.

The import service (``l2o.services.importing``) resolves references and writes each chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from l2o.ingest.convert import RowConverter, StagedRow
from l2o.ingest.problems import Rejection, RowProblem
from l2o.ingest.sources.base import SourceAdapter, SourceFile

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "RawCells",
    "RowChunk",
    "checked_chunks",
    "raw_by_name",
    "raw_cells",
]

DEFAULT_CHUNK_ROWS = 20_000


@dataclass
class RowChunk:
    """Consecutive rows of one file: those that passed every check and those refused."""

    record_type: str
    accepted: list[StagedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Rows this chunk accounts for (accepted + refused)."""
        return len(self.accepted) + len(self.rejected)

    def extend(self, other: RowChunk) -> None:
        """Add ``other``'s rows (the next ones of the same file) after these."""
        self.accepted.extend(other.accepted)
        self.rejected.extend(other.rejected)

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent between processes (``l2o.ingest.ahead``): each accepted row as a tuple, and
        # its raw cells as values under the header the rows share (``raw_cells``).
        header, raws = raw_cells([row.raw for row in self.accepted])
        rows = [
            (row.row_number, row.source_id, row.values, row.references, raw)
            for row, raw in zip(self.accepted, raws, strict=True)
        ]
        return (_rebuilt_chunk, (self.record_type, header, rows, self.rejected))


def _rebuilt_chunk(
    record_type: str,
    header: tuple[str, ...],
    rows: list[tuple[int, str, dict[str, Any], dict[str, str | None], Any]],
    rejected: list[Rejection],
) -> RowChunk:
    accepted = [
        StagedRow(
            record_type,
            row_number,
            source_id,
            values,
            references,
            raw_by_name(header, raw),
        )
        for row_number, source_id, values, references, raw in rows
    ]
    return RowChunk(record_type, accepted, rejected)


#: Rows' raw cells as :func:`raw_cells` gives them: values under a shared header, or a
#: row's own mapping.
RawCells = tuple[Any, ...] | dict[str, Any]


def raw_cells(raws: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[RawCells]]:
    """Rows' raw cells to send between processes: the header they share and each row's
    values under it - a third less to pickle than the mappings - or, when the rows' headers
    differ, no header and each row's own mapping. :func:`raw_by_name` undoes it."""
    if not raws:
        return (), []
    header = tuple(raws[0])
    if set(map(tuple, raws)) == {header}:
        return header, list(map(tuple, map(dict.values, raws)))
    return (), list(raws)


def raw_by_name(header: tuple[str, ...], raw: RawCells) -> dict[str, Any]:
    """One row's raw cells by column name, from what :func:`raw_cells` made of them."""
    return dict(zip(header, raw, strict=True)) if type(raw) is tuple else dict(raw)


def checked_chunks(
    adapter: SourceAdapter,
    source_file: SourceFile,
    converter: RowConverter,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[RowChunk]:
    """The rows of ``source_file``, checked and standardized, ``chunk_rows`` at a time."""
    record_type = source_file.record_type
    seen: set[str] = set()
    chunk = RowChunk(record_type)
    for row in adapter.rows(source_file):
        if isinstance(row, Rejection):
            chunk.rejected.append(row)
        else:
            try:
                staged = converter.convert(row.row_number, row.values, row.raw)
                if staged.source_id in seen:
                    raise RowProblem(
                        "id",
                        "duplicate_source_id",
                        f"id {staged.source_id!r} appears earlier in this file",
                    )
            except RowProblem as problem:
                chunk.rejected.append(
                    Rejection.of(
                        problem, record_type, row.row_number, row.raw, source_file.path.name
                    )
                )
            else:
                seen.add(staged.source_id)
                chunk.accepted.append(staged)
        if chunk.rows_read >= chunk_rows:
            yield chunk
            chunk = RowChunk(record_type)
    if chunk.rows_read:
        yield chunk
