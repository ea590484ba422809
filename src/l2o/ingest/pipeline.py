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
