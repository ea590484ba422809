"""The import use case: one folder of exports -> one import batch -> one transaction.

::

    summary = import_directory(engine, Path("exports/"), adapter_for("salesforce"))
    summary.total.inserted, summary.batch_id

Each planned file is read in chunks (``l2o.ingest.checked_chunks``); each chunk's
references are resolved through source ids (``ReferenceResolver``), then new records are
inserted and existing ones (same ``source_system`` + ``source_id``) updated only where a
value changed, with audit rows (``l2o.store.bulk.BulkWriter``). Refused rows go to
quarantine with their row number, field, rule and raw content. Everything - records, audit
rows, quarantine, the ``ImportBatch`` - commits at the end, or nothing does: an import that
fails or is interrupted leaves the store as it was, plus a ``failed`` batch saying why.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from l2o import domain
from l2o.ingest import (
    DEFAULT_CHUNK_ROWS,
    RECORD_SPECS,
    Rejection,
    RowChunk,
    RowConverter,
    RowProblem,
    SourceAdapter,
    SourceFile,
    StagedRow,
    checked_chunks,
    insert_defaults,
)
from l2o.services.import_references import ReferenceResolver, derived_id
from l2o.services.import_summary import ImportSummary, TypeCounts
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.bulk import BulkWriter

__all__ = ["DedupeStep", "ImportProgress", "import_directory"]

#: Called after a record type's rows are written, in the batch's transaction, with the ids
#: of the records this batch inserted; merges duplicates and returns how many of those
#: rows were merged into a master (they are counted ``merged`` instead of ``inserted``).
DedupeStep = Callable[[SqlAlchemyUnitOfWork, str, Sequence[str]], int]
#: Told ``(record_type, rows done)`` as each chunk is written.
ImportProgress = Callable[[str, int], None]


def import_directory(
    engine: Engine,
    directory: Path,
    adapter: SourceAdapter,
    *,
    actor: str | None = None,
    dedupe: DedupeStep | None = None,
    progress: ImportProgress | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    source_name: dict[str, Any] | None = None,
) -> ImportSummary:
    """Import every file ``adapter`` finds in ``directory`` as one batch; its summary.

    ``source_name`` is what the batch records about where the rows came from (default:
    the folder and the source), which ``l2o quarantine retry`` reads to run it again.
    """
    plan = adapter.plan(directory)
    origin = source_name or {"path": str(directory), "source": adapter.name}
    batch = domain.ImportBatch(source_system=adapter.name, source_name=json.dumps(origin))
    summary = ImportSummary(batch_id=batch.id, source_system=adapter.name)
    summary.warnings.extend(plan.warnings())
    try:
        with SqlAlchemyUnitOfWork(engine, actor=actor, source=f"import:{adapter.name}") as uow:
            uow.import_batches.add(batch)
            uow.flush()
            run = _BatchRun(uow, batch, adapter, summary, chunk_rows, progress)
            for source_file in plan.files:
                run.import_file(source_file, dedupe)
            _close_batch(batch, summary.total)
            uow.commit()
    except BaseException as exc:
        _record_failure(engine, batch, actor, exc)
        raise
    return summary


class _BatchRun:
    """The state of one batch while its files are written."""

    def __init__(
        self,
        uow: SqlAlchemyUnitOfWork,
        batch: domain.ImportBatch,
        adapter: SourceAdapter,
        summary: ImportSummary,
        chunk_rows: int,
        progress: ImportProgress | None,
    ) -> None:
        self.uow = uow
        self.batch = batch
        self.adapter = adapter
        self.summary = summary
        self.chunk_rows = chunk_rows
        self.progress = progress
        self.writer = BulkWriter.for_unit_of_work(uow)
        self.references = ReferenceResolver(self.writer, adapter.name)

    def import_file(self, source_file: SourceFile, dedupe: DedupeStep | None) -> None:
        record_type = source_file.record_type
        if not self.writer.has_table(record_type):
            self.summary.warnings.append(
                f"{source_file.path.name}: not imported - the store has no {record_type} yet"
            )
            return
        spec = RECORD_SPECS[record_type]
        limits = self.writer.text_limits(record_type)
        converter = RowConverter(spec, self.adapter.formats, limits)
        chunks = checked_chunks(self.adapter, source_file, converter, self.chunk_rows)
        if spec.self_references:
            # A row may point at a later row of the same file: check the file whole.
            chunks = iter([_whole(record_type, chunks)])
        counts = self.summary.counts(record_type)
        inserted_ids: list[str] = []
        for chunk in chunks:
            chunk_counts, new_ids = self._write_chunk(chunk)
            counts.add(chunk_counts)
            inserted_ids.extend(new_ids)
            if self.progress is not None:
                self.progress(record_type, chunk.rows_read)
        if dedupe is not None and inserted_ids:
            merged = dedupe(self.uow, record_type, inserted_ids)
            counts.inserted -= merged
            counts.merged += merged
        # Rows found stored already may be duplicates merged away in an earlier batch, and
        # this batch's dedupe may just have merged some: either way, what refers to them
        # from here on must land on the record kept.
        self.references.follow_merges(record_type)

    def _write_chunk(self, chunk: RowChunk) -> tuple[TypeCounts, list[str]]:
        record_type = chunk.record_type
        spec = RECORD_SPECS[record_type]
        system = self.adapter.name
        rejected = list(chunk.rejected)
        rows = chunk.accepted
        if spec.has_source_key:
            stored = self.writer.existing(record_type, system, [r.source_id for r in rows])
        else:
            by_id = self.writer.existing_by_id(
                record_type, [derived_id(system, record_type, r.source_id) for r in rows]
            )
            stored = {
                r.source_id: by_id[key]
                for r in rows
                if (key := derived_id(system, record_type, r.source_id)) in by_id
            }
        ids = {row.source_id: self._store_id(spec, stored, row) for row in rows}
        self.references.register(record_type, ids.items())
        accepted, refused = self._resolve(rows, stored)
        rejected.extend(refused)
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for row, resolved in accepted:
            values = {**row.values, **resolved}
            if row.source_id in stored:
                updates.append((stored[row.source_id], values))
                continue
            record = insert_defaults(spec, values)
            record["id"] = ids[row.source_id]
            if spec.has_source_key:
                record.update(source_system=system, source_id=row.source_id)
            inserts.append(record)
        counts = TypeCounts(read=chunk.rows_read, quarantined=len(rejected))
        counts.inserted = self.writer.insert(record_type, inserts)
        counts.updated = self.writer.update(record_type, updates)
        counts.unchanged = len(updates) - counts.updated
        self._quarantine(rejected)
        return counts, [record["id"] for record in inserts]

    def _store_id(self, spec: Any, stored: dict[str, dict[str, Any]], row: StagedRow) -> str:
        if row.source_id in stored:
            return str(stored[row.source_id]["id"])
        if not spec.has_source_key:
            return derived_id(self.adapter.name, spec.record_type, row.source_id)
        return domain.new_id()

    def _resolve(
        self, rows: list[StagedRow], stored: dict[str, dict[str, Any]]
    ) -> tuple[list[tuple[StagedRow, dict[str, str | None]]], list[Rejection]]:
        """Resolve references; repeat while refusing a row orphans another in the same file."""
        refused: list[Rejection] = []
        pending = rows
        while True:
            self.references.prefetch(pending)
            resolved, dropped = [], []
            for row in pending:
                try:
                    resolved.append((row, self.references.resolve(row)))
                except RowProblem as problem:
                    dropped.append(row)
                    refused.append(Rejection.of(problem, row.record_type, row.row_number, row.raw))
            if not dropped:
                return resolved, refused
            # Refused rows no longer stand for a record (unless the store already has it).
            self.references.forget(
                dropped[0].record_type, [r.source_id for r in dropped if r.source_id not in stored]
            )
            pending = [row for row, _ in resolved]

    def _quarantine(self, rejected: list[Rejection]) -> None:
        now = domain.utc_now()
        self.writer.append(
            "quarantined_rows",
            [
                {
                    "id": domain.new_id(),
                    "batch_id": self.batch.id,
                    "record_type": r.record_type,
                    "row_number": r.row_number,
                    "field": r.field,
                    "rule": r.rule,
                    "message": f"{r.file}: {r.message}" if r.file else r.message,
                    "raw": r.raw,
                    "created_at": now,
                }
                for r in rejected
            ],
        )


def _whole(record_type: str, chunks: Any) -> RowChunk:
    whole = RowChunk(record_type)
    for chunk in chunks:
        whole.accepted.extend(chunk.accepted)
        whole.rejected.extend(chunk.rejected)
    return whole


def _close_batch(batch: domain.ImportBatch, total: TypeCounts) -> None:
    batch.rows_read = total.read
    batch.rows_inserted = total.inserted
    batch.rows_updated = total.updated
    batch.rows_unchanged = total.unchanged
    batch.rows_merged = total.merged
    batch.rows_quarantined = total.quarantined
    batch.finish(domain.utc_now())


def _record_failure(
    engine: Engine, batch: domain.ImportBatch, actor: str | None, exc: BaseException
) -> None:
    """Keep a ``failed`` batch (no rows: they were rolled back) saying what went wrong."""
    failed = domain.ImportBatch(
        id=batch.id,
        source_system=batch.source_system,
        source_name=batch.source_name,
        started_at=batch.started_at,
    )
    reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    try:
        with SqlAlchemyUnitOfWork(
            engine, actor=actor, source=f"import:{batch.source_system}"
        ) as uow:
            failed.finish(domain.utc_now(), error=reason or "interrupted")
            uow.import_batches.add(failed)
            uow.commit()
    except Exception:
        pass
