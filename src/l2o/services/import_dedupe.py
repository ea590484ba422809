"""The dedupe step of an import: merge the batch's new accounts, contacts and leads into the
records they duplicate, inside the batch's transaction.

``dedupe_imported`` is a ``DedupeStep`` for ``import_directory``: after a record type's rows
are written it reads the live records of that type (the new ones and those already stored,
so a duplicate of an earlier import is found too), runs ``l2o.ingest.dedupe.find_duplicates``
and merges the matches that involve a new record (``l2o.services.merging``). It returns how
many of the new records were merged away - the import counts them as ``merged``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import sqlalchemy as sa

from l2o.ingest.dedupe import RECORD_TYPES, find_duplicates, settings_for
from l2o.services.merging import merge_duplicates
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.schema import metadata

__all__ = ["dedupe_imported"]

#: Rows fetched from the cursor at a time while the live records are read.
_FETCH_ROWS = 50_000


def dedupe_imported(uow: SqlAlchemyUnitOfWork, record_type: str, new_ids: Sequence[str]) -> int:
    """Merge duplicates among ``record_type`` records that involve ``new_ids``; how many of
    ``new_ids`` were merged into a master."""
    if record_type not in RECORD_TYPES or not new_ids:
        return 0
    records = _live_records(uow, record_type)
    if records.num_rows < 2:
        return 0
    # Read back from the store: e-mails and phones are in the importer's standard form.
    result = find_duplicates(records, record_type, standardized=("email", "phone"))
    del records
    fresh = set(new_ids)
    matches = [m for m in result.matches if fresh & set(m.pair)]
    merges = merge_duplicates(uow, matches)
    return sum(1 for merge in merges if merge.merged_id in fresh)


def _live_records(uow: SqlAlchemyUnitOfWork, record_type: str) -> pa.Table:
    """The live records of ``record_type`` (new and stored), as text columns of what dedupe
    reads: the id, the source key and the settings' source fields - nothing else.

    Read with Core, straight into columns: the rows the importer just wrote in this
    transaction, without a dict (let alone an ORM object) per record.
    """
    table = metadata.tables[record_type]
    names = list(dict.fromkeys(("id", *settings_for(record_type).source_fields)))
    names += [n for n in ("source_system", "source_id") if n in table.columns and n not in names]
    query = sa.select(*(table.c[name] for name in names)).where(table.c.merged_into_id.is_(None))
    columns: list[list[Any]] = [[] for _ in names]
    result = uow.session.connection().execute(query)
    while batch := result.fetchmany(_FETCH_ROWS):
        for values, column in zip(zip(*batch, strict=True), columns, strict=True):
            column.extend(None if v is None else str(v) for v in values)
    return pa.table(
        {
            name: pa.array(column, type=pa.string())
            for name, column in zip(names, columns, strict=True)
        }
    )
