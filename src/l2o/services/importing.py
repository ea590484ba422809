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

Given a :class:`~l2o.services.bootstrap.RevenueSystem` (the architecture spec compiled),
the batch also applies the rules every other path applies, in the same transaction and as
of ``system.now()``:

- an opportunity already stored whose stage the file changes is a stage move: it is held
  back until the batch's other files are written (its quotes, orders and contacts count),
  then checked by its pipeline's gate - :meth:`StageGate.check` with the related records and
  derived fields the services count (:func:`~l2o.services.deal_facts.gate_facts`,
  :func:`~l2o.services.deal_facts.deal_derived_fields`) - against the deal as the row would
  leave it. A refused move quarantines the row (field ``stage``, the gate's rule, every
  missing criterion) and nothing of it is written. A first-time opportunity is history and
  is not gated (``l2o replay`` judges history).
- every open lead the batch inserted or changed, or gave a new touchpoint, is scored and
  staged by :func:`~l2o.services.leads.rescore_lead` with its touchpoints from the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy.engine import Engine

from l2o import domain
from l2o.domain.base import new_ids
from l2o.engine import EngineError
from l2o.ingest import (
    DEFAULT_CHUNK_ROWS,
    RECORD_SPECS,
    Chunk,
    ConvertedFiles,
    InsertChunk,
    RecordSpec,
    Rejection,
    RowChunk,
    RowProblem,
    SourceAdapter,
    SourceFile,
    StagedRow,
    converted_files,
    insert_defaults,
)
from l2o.services.batching import collector_paused
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deal_facts import deal_derived_fields, gate_facts
from l2o.services.errors import CommandRefused
from l2o.services.import_references import ReferenceResolver, derived_id
from l2o.services.import_summary import ImportSummary, RulesApplied, TypeCounts
from l2o.services.leads import matched_account, rescore_lead
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
    system: RevenueSystem | None = None,
    convert_ahead: bool | None = None,
) -> ImportSummary:
    """Import every file ``adapter`` finds in ``directory`` as one batch; its summary.

    ``source_name`` is what the batch records about where the rows came from (default:
    the folder and the source), which ``l2o quarantine retry`` reads to run it again.
    With ``system`` the architecture's rules apply (stage gates on moves, lead scoring and
    stages; see the module docstring) as of ``system.now()``; the rows are written to
    ``engine`` all the same. Without it rows are written as the file gives them and the
    summary's ``rules`` is ``None``. ``convert_ahead`` reads and converts the files in a
    second process, ahead of the writing (``None``: when they are large enough to gain;
    see :func:`l2o.ingest.converted_files`).
    """
    plan = adapter.plan(directory)
    origin = source_name or {"path": str(directory), "source": adapter.name}
    batch = domain.ImportBatch(source_system=adapter.name, source_name=json.dumps(origin))
    summary = ImportSummary(batch_id=batch.id, source_system=adapter.name)
    summary.warnings.extend(plan.warnings())
    stored = [f for f in plan.files if BulkWriter.has_table(f.record_type)]
    limits = {f.record_type: BulkWriter.text_limits(f.record_type) for f in stored}
    try:
        with SqlAlchemyUnitOfWork(engine, actor=actor, source=f"import:{adapter.name}") as uow:
            writer = BulkWriter.for_unit_of_work(uow)
            new_files = _new_record_files(writer, adapter.name, stored)
            with converted_files(
                adapter, stored, limits, chunk_rows, ahead=convert_ahead, new_files=new_files
            ) as files:
                uow.import_batches.add(batch)
                uow.flush()
                run = _BatchRun(uow, batch, adapter, summary, files, progress)
                if system is not None:
                    run.rules = _RulesRun(system, system.now())
                for source_file in plan.files:
                    run.import_file(source_file, dedupe)
            run.apply_rules()
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
        files: ConvertedFiles,
        progress: ImportProgress | None,
    ) -> None:
        self.uow = uow
        self.batch = batch
        self.adapter = adapter
        self.summary = summary
        self.files = files
        self.progress = progress
        self.writer = BulkWriter.for_unit_of_work(uow)
        self.references = ReferenceResolver(self.writer, adapter.name)
        self.rules: _RulesRun | None = None
        # Per record type: whether the store held any (from this source) as its file began.
        self._held: dict[str, bool] = {}

    def apply_rules(self) -> None:
        """Gate the stage moves held back, then score and stage the leads (with a spec)."""
        rules = self.rules
        if rules is None:
            return
        applied = RulesApplied()
        self._apply_moves(rules, applied)
        applied.leads_scored = rules.rescore_leads(self.uow)
        self.summary.rules = applied

    def _apply_moves(self, rules: _RulesRun, applied: RulesApplied) -> None:
        if not rules.moves:
            return
        counts = self.summary.counts("opportunities")
        allowed: list[tuple[dict[str, Any], dict[str, Any]]] = []
        refused: list[Rejection] = []
        for move in rules.moves:
            rejection = rules.gate(self.uow, move)
            if rejection is None:
                allowed.append((move.stored, move.values))
            else:
                refused.append(rejection)
        applied.moves_checked = len(rules.moves)
        applied.moves_refused = len(refused)
        updated = self.writer.update("opportunities", allowed)
        counts.updated += updated
        counts.unchanged += len(allowed) - updated
        counts.quarantined += len(refused)
        self._quarantine(refused)

    def import_file(self, source_file: SourceFile, dedupe: DedupeStep | None) -> None:
        record_type = source_file.record_type
        if not self.writer.has_table(record_type):
            self.summary.warnings.append(
                f"{source_file.path.name}: not imported - the store has no {record_type} yet"
            )
            return
        spec = RECORD_SPECS[record_type]
        chunks = self.files.chunks(source_file)
        if spec.self_references:
            # A row may point at a later row of the same file: check the file whole.
            chunks = iter([_whole(record_type, chunks)])
        self._note_new(record_type)
        counts = self.summary.counts(record_type)
        inserted_ids: list[str] = []
        chunks = iter(chunks)
        while True:
            # A chunk's rows, records and parameters live until it is written: tens of
            # thousands of objects the cycle collector would walk again and again. It runs
            # between chunks instead.
            with collector_paused():
                chunk = next(chunks, None)
                if chunk is None:
                    break
                chunk_counts, chunk_ids = self._write(chunk)
            counts.add(chunk_counts)
            inserted_ids.extend(chunk_ids)
            if self.progress is not None:
                self.progress(record_type, chunk.rows_read)
        del chunks  # what the converter remembered is not needed by dedupe
        if dedupe is not None and inserted_ids:
            # Reading a million records back and merging tens of thousands: the same piles
            # of live objects as a chunk's, and as little garbage in cycles.
            with collector_paused():
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
        stored, ids = self._stored_and_ids(spec, rows)
        self.references.register(record_type, ids.items())
        accepted, refused = self._resolve(rows, stored)
        rejected.extend(refused)
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for row, resolved in accepted:
            values = {**row.values, **resolved}
            if row.source_id in stored:
                if self.rules is not None and self.rules.holds(
                    record_type, row, stored[row.source_id], values
                ):
                    continue
                updates.append((stored[row.source_id], values))
                continue
            record = insert_defaults(spec, values)
            record["id"] = ids[row.source_id]
            if spec.has_source_key:
                record["source_id"] = row.source_id
            inserts.append(record)
        # A stage move held back is counted when its gate has decided (``apply_rules``).
        counts = TypeCounts(read=chunk.rows_read, quarantined=len(rejected))
        counts.inserted = self.writer.insert(
            record_type,
            inserts,
            constants={"source_system": system} if spec.has_source_key else None,
        )
        counts.updated = self.writer.update(record_type, updates)
        counts.unchanged = len(updates) - counts.updated
        if self.rules is not None:
            self.rules.note_inserted(record_type, _columns_of(inserts, ("id", "lead_id")))
            self.rules.note_updated(self.writer, record_type, updates)
        self._quarantine(rejected)
        return counts, [record["id"] for record in inserts]

    def _write(self, chunk: Chunk) -> tuple[TypeCounts, list[str]]:
        """Write one chunk of a file; its counts and the ids of the records it inserted."""
        if isinstance(chunk, InsertChunk):
            return self._insert_chunk(chunk)
        return self._write_chunk(chunk)

    def _insert_chunk(self, chunk: InsertChunk) -> tuple[TypeCounts, list[str]]:
        """Write a chunk of new records column by column: its references resolved, ids
        drawn, rows inserted; a row whose reference is not found is quarantined as
        :meth:`_write_chunk` would."""
        record_type = chunk.record_type
        spec = RECORD_SPECS[record_type]
        resolved, refused = self.references.resolve_columns(record_type, chunk.references)
        rejected = list(chunk.rejected)
        columns = {**chunk.columns, **resolved}
        source_ids = chunk.source_ids
        if refused:
            rejected.extend(
                Rejection.of(problem, record_type, chunk.row_numbers[i], chunk.raw(i))
                for i, problem in sorted(refused.items())
            )
            kept = [i for i in range(chunk.accepted_count) if i not in refused]
            columns = {name: [values[i] for i in kept] for name, values in columns.items()}
            source_ids = [source_ids[i] for i in kept]
        if spec.has_source_key:
            ids = sorted(new_ids(len(source_ids)))
            columns["source_id"] = source_ids
        else:
            system = self.adapter.name
            ids = [derived_id(system, record_type, source_id) for source_id in source_ids]
        columns["id"] = ids
        self.references.register(record_type, zip(source_ids, ids, strict=True))
        counts = TypeCounts(read=chunk.rows_read, quarantined=len(rejected))
        counts.inserted = self.writer.insert_columns(
            record_type,
            columns,
            len(ids),
            constants={"source_system": self.adapter.name} if spec.has_source_key else None,
        )
        if self.rules is not None:
            self.rules.note_inserted(record_type, columns)
        self._quarantine(rejected)
        return counts, ids

    def _stored_and_ids(
        self, spec: RecordSpec, rows: list[StagedRow]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """The stored records ``rows`` name (by source id) and each row's store id: the stored
        record's, else a new one (derived from the source id where the record type has no
        source columns, so a re-import finds it again)."""
        system, record_type = self.adapter.name, spec.record_type
        if not spec.has_source_key:
            derived = {r.source_id: derived_id(system, record_type, r.source_id) for r in rows}
            by_id = (
                self.writer.existing_by_id(record_type, derived.values())
                if self._may_be_stored(record_type)
                else {}
            )
            stored = {s: by_id[i] for s, i in derived.items() if i in by_id}
            return stored, {s: str(by_id[i]["id"]) if i in by_id else i for s, i in derived.items()}
        stored = (
            self.writer.existing(record_type, system, [r.source_id for r in rows])
            if self._may_be_stored(record_type)
            else {}
        )
        # In order: one clock reading makes them all, so sorted they still say when they were
        # made, and the store appends each new id at the end of its key index.
        fresh = iter(sorted(new_ids(sum(1 for r in rows if r.source_id not in stored))))
        return stored, {
            r.source_id: str(stored[r.source_id]["id"]) if r.source_id in stored else next(fresh)
            for r in rows
        }

    def _note_new(self, record_type: str) -> None:
        """Remember whether the store holds no ``record_type`` record (from this source) as
        the type's file begins: then no row of the file has one to update (one query)."""
        self._held[record_type] = self.writer.holds_any(record_type, self.adapter.name)

    def _may_be_stored(self, record_type: str) -> bool:
        """Whether rows of the file being written may find their record stored: the store
        held records of the type (from this source) when the file began. If it held none,
        no chunk of the file can find one - a source id is accepted once per file."""
        return self._held.get(record_type, True)

    def _resolve(
        self, rows: list[StagedRow], stored: dict[str, dict[str, Any]]
    ) -> tuple[list[tuple[StagedRow, dict[str, str | None]]], list[Rejection]]:
        """Resolve references; repeat while refusing a row orphans another in the same file."""
        refused: list[Rejection] = []
        pending = rows
        while True:
            self.references.prefetch(pending)
            resolved, problems = self.references.resolve_all(pending)
            dropped = [row for row, _ in problems]
            refused.extend(
                Rejection.of(problem, row.record_type, row.row_number, row.raw)
                for row, problem in problems
            )
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


@dataclass(frozen=True, slots=True)
class _HeldMove:
    """A stored deal's row that changes its stage: written only if its gate allows it."""

    row: StagedRow
    stored: dict[str, Any]
    values: dict[str, Any]


class _DealAsLeft:
    """A deal as a row would leave it, read by name as the gate reads an ``Opportunity``:
    the stored fields with the row's over them, but the stored stage (where the move starts)
    and closed state."""

    def __init__(self, stored: dict[str, Any], values: dict[str, Any]) -> None:
        self.__dict__.update(stored)
        self.__dict__.update(values)
        for name in ("stage", "is_closed", "is_won"):
            self.__dict__[name] = stored[name]


class _RulesRun:
    """The architecture's rules over one batch: stage moves held for their gates, and the
    leads to score once every file is written."""

    def __init__(self, system: RevenueSystem, at: datetime) -> None:
        self.system = system
        self.at = at
        self.moves: list[_HeldMove] = []
        self.lead_ids: dict[str, None] = {}

    def holds(
        self, record_type: str, row: StagedRow, stored: dict[str, Any], values: dict[str, Any]
    ) -> bool:
        """Whether the row is a stage move of a stored deal, held back for its gate."""
        if record_type != "opportunities" or "stage" not in values:
            return False
        if values["stage"] is None or values["stage"] == stored["stage"]:
            return False
        self.moves.append(_HeldMove(row, stored, values))
        return True

    def note_inserted(self, record_type: str, columns: Mapping[str, Sequence[Any]]) -> None:
        """Remember the leads to score among records inserted (given column by column): new
        leads, and the leads of new touchpoints."""
        if record_type == "leads":
            self.lead_ids.update(dict.fromkeys(map(str, columns.get("id", ()))))
        elif record_type == "touchpoints":
            self.lead_ids.update(dict.fromkeys(str(i) for i in columns.get("lead_id", ()) if i))

    def note_updated(
        self,
        writer: BulkWriter,
        record_type: str,
        updates: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    ) -> None:
        """Remember the leads to score among stored ones the batch really changed."""
        if record_type == "leads" and updates:
            now = writer.existing_by_id("leads", [stored["id"] for stored, _ in updates])
            self.lead_ids.update(
                dict.fromkeys(
                    str(stored["id"])
                    for stored, _ in updates
                    if now[stored["id"]]["version"] != stored["version"]
                )
            )

    def gate(self, uow: SqlAlchemyUnitOfWork, move: _HeldMove) -> Rejection | None:
        """The move's gate decision as the services make it; ``None`` when it may go."""
        deal = cast(domain.Opportunity, _DealAsLeft(move.stored, move.values))
        to_stage = str(move.values["stage"])
        try:
            gate = self.system.rules.gates.for_pipeline(deal.pipeline)
        except EngineError as error:
            return _refused(move, "gate.unknown_pipeline", f"Opportunity {deal.id}: {error}")
        decision = gate.check(
            deal,
            to_stage,
            related=gate_facts(uow, deal, self.system.spec),
            derived=deal_derived_fields(uow, deal, self.at),
        )
        if decision.allowed:
            return None
        rule = decision.reasons[0].rule if decision.reasons else "gate"
        refusal = CommandRefused("Opportunity", deal.id, rule, decision.reasons)
        return _refused(move, rule, str(refusal))

    def rescore_leads(self, uow: SqlAlchemyUnitOfWork) -> int:
        """Score and stage every open lead noted (a lead merged away: its master), as of
        the batch's time, with its touchpoints from the store; how many were scored."""
        uow.flush()
        # Rows were written beside the session (bulk): what it holds may be out of date.
        uow.session.expire_all()
        scored = 0
        seen: set[str] = set()
        for lead_id in self.lead_ids:
            lead = uow.leads.find(lead_id)
            while lead is not None and lead.merged_into_id is not None:
                lead = uow.leads.find(lead.merged_into_id)
            if lead is None or lead.id in seen or not lead.is_open:
                continue
            seen.add(lead.id)
            touches = uow.touchpoints.list(lead_id=lead.id)
            account = matched_account(uow, lead)
            rescore_lead(uow, self.system.rules, lead, account, touches, self.at)
            scored += 1
        uow.flush()
        return scored


def _refused(move: _HeldMove, rule: str, message: str) -> Rejection:
    row = move.row
    return Rejection.of(
        RowProblem("stage", rule, message), row.record_type, row.row_number, row.raw
    )


def _columns_of(records: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    """The values of ``records`` under each of ``names`` (``None`` where one has none)."""
    return {name: [record.get(name) for record in records] for name in names}


def _whole(record_type: str, chunks: Any) -> RowChunk:
    whole = RowChunk(record_type)
    for chunk in chunks:
        whole.extend(chunk)
    return whole


def _new_record_files(
    writer: BulkWriter, source_system: str, files: Sequence[SourceFile]
) -> list[SourceFile]:
    """The files whose rows are all new records: the first file of a record type the store
    holds none of from ``source_system`` (none at all, for a type without source columns),
    unless a row may point at a later row of the same file (it is checked whole)."""
    new: list[SourceFile] = []
    seen: set[str] = set()
    for source_file in files:
        record_type = source_file.record_type
        if record_type in seen:
            continue
        seen.add(record_type)
        if RECORD_SPECS[record_type].self_references:
            continue
        if not writer.holds_any(record_type, source_system):
            new.append(source_file)
    return new


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
