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

import sqlalchemy as sa

from l2o.ingest.dedupe import RECORD_TYPES, find_duplicates
from l2o.services.merging import merge_duplicates
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.schema import metadata

__all__ = ["dedupe_imported"]


def dedupe_imported(uow: SqlAlchemyUnitOfWork, record_type: str, new_ids: Sequence[str]) -> int:
    """Merge duplicates among ``record_type`` records that involve ``new_ids``; how many of
    ``new_ids`` were merged into a master."""
    if record_type not in RECORD_TYPES or not new_ids:
        return 0
    table = metadata.tables[record_type]
    # Read with Core: the rows the importer just wrote in this transaction, without
    # building a million ORM objects.
    query = sa.select(table).where(table.c.merged_into_id.is_(None))
    rows: list[dict[str, Any]] = [
        dict(row) for row in uow.session.connection().execute(query).mappings()
    ]
    if len(rows) < 2:
        return 0
    result = find_duplicates(rows, record_type)
    fresh = set(new_ids)
    matches = [m for m in result.matches if fresh & set(m.pair)]
    merges = merge_duplicates(uow, matches)
    return sum(1 for merge in merges if merge.merged_id in fresh)
