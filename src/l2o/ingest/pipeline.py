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

__all__ = ["DEFAULT_CHUNK_ROWS", "RowChunk", "checked_chunks"]

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
        # its raw cells as values under the header the rows share - a third less to pickle
        # and unpickle than the rows themselves.
        header = tuple(self.accepted[0].raw) if self.accepted else ()
        rows = [
            (
                row.row_number,
                row.source_id,
                row.values,
                row.references,
                tuple(row.raw.values()) if tuple(row.raw) == header else row.raw,
            )
            for row in self.accepted
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
            dict(zip(header, raw, strict=True)) if type(raw) is tuple else raw,
        )
        for row_number, source_id, values, references, raw in rows
    ]
    return RowChunk(record_type, accepted, rejected)


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
