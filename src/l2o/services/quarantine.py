"""Reading import batches and their quarantined rows, and running a batch again.

``retry_batch`` re-imports the batch's folder with the same source (and mapping): after the
file or the mapping was fixed, rows that were refused now go in, and rows already imported
stay as they are (imports are idempotent). The new batch's summary is returned.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from l2o import domain
from l2o.errors import RecordNotFound
from l2o.ingest import adapter_for
from l2o.services.bootstrap import RevenueSystem
from l2o.services.import_dedupe import dedupe_imported
from l2o.services.import_summary import ImportSummary
from l2o.services.importing import DedupeStep, import_directory
from l2o.store import SqlAlchemyUnitOfWork

__all__ = ["BatchOrigin", "batch_origin", "list_batches", "quarantined_rows", "retry_batch"]


@dataclass(frozen=True)
class BatchOrigin:
    """Where a batch's rows came from: folder, source name, mapping YAML and the
    architecture spec whose rules applied (if any)."""

    path: Path
    source: str
    mapping: Path | None = None
    spec: Path | None = None


def list_batches(engine: Engine, limit: int = 20) -> list[domain.ImportBatch]:
    """The latest import batches, newest first."""
    with SqlAlchemyUnitOfWork(engine) as uow:
        batches = uow.import_batches.list()
    return sorted(batches, key=lambda b: b.started_at, reverse=True)[:limit]


def find_batch(engine: Engine, batch_id: str) -> domain.ImportBatch:
    """The batch ``batch_id`` (a unique prefix of the id is enough)."""
    with SqlAlchemyUnitOfWork(engine) as uow:
        found = uow.import_batches.find(batch_id)
        if found is not None:
            return found
        matches = [b for b in uow.import_batches.list() if b.id.startswith(batch_id)]
    if len(matches) != 1:
        raise RecordNotFound("ImportBatch", batch_id)
    return matches[0]


def quarantined_rows(engine: Engine, batch_id: str) -> list[domain.QuarantinedRow]:
    """The rows batch ``batch_id`` refused, by record type and row number."""
    batch = find_batch(engine, batch_id)
    with SqlAlchemyUnitOfWork(engine) as uow:
        rows = uow.quarantine.list(batch_id=batch.id)
    return sorted(rows, key=lambda r: (r.record_type, r.row_number))


def rule_counts(rows: list[domain.QuarantinedRow]) -> Counter[tuple[str, str, str | None]]:
    """How many rows each ``(record type, rule, field)`` refused."""
    return Counter((row.record_type, row.rule, row.field) for row in rows)


def batch_origin(batch: domain.ImportBatch) -> BatchOrigin:
    """Where ``batch`` read from, as recorded when it ran."""
    try:
        origin = json.loads(batch.source_name or "")
        mapping = origin.get("mapping")
        spec = origin.get("spec")
        return BatchOrigin(
            Path(origin["path"]),
            origin["source"],
            Path(mapping) if mapping else None,
            Path(spec) if spec else None,
        )
    except (ValueError, KeyError, TypeError):
        raise ValueError(
            f"ImportBatch {batch.id} does not record where it read from; import the folder again"
        ) from None


def retry_batch(
    engine: Engine, batch_id: str, *, dedupe: DedupeStep | None = dedupe_imported
) -> tuple[ImportSummary, int]:
    """Import batch ``batch_id``'s folder again - with the mapping and the architecture's
    rules it ran with - the new summary, and how many rows the old batch quarantined."""
    batch = find_batch(engine, batch_id)
    origin = batch_origin(batch)
    before = len(quarantined_rows(engine, batch.id))
    source_name: dict[str, str] = {"path": str(origin.path), "source": origin.source}
    if origin.mapping is not None:
        source_name["mapping"] = str(origin.mapping)
    adapter = adapter_for(origin.source, origin.mapping)
    system = None
    if origin.spec is not None:
        source_name["spec"] = str(origin.spec)
        system = RevenueSystem.build(origin.spec, engine, source=f"import:{adapter.name}")
    summary = import_directory(
        engine,
        origin.path,
        adapter,
        dedupe=dedupe,
        source_name=source_name,
        system=system,
    )
    return summary, before
