"""The exact-key pass: records sharing a normalised e-mail, domain or source id are one."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa  # type: ignore[import-untyped]

from l2o.ingest.dedupe._matches import DuplicateMatch
from l2o.ingest.dedupe._prepare import ID_COLUMN, SOURCE_KEY

__all__ = ["exact_matches"]


def exact_matches(table: pa.Table, record_type: str, keys: Sequence[str]) -> list[DuplicateMatch]:
    """One match per record that shares a key value with an earlier record.

    Each group of k records sharing a value yields k - 1 matches to its first record (a
    star, not all k(k-1)/2 pairs), which links the same cluster: a shared ``info@`` address
    on 10,000 rows stays 9,999 matches, not 50 million.
    """
    ids = table.column(ID_COLUMN).to_pylist()
    found: dict[tuple[str, str], DuplicateMatch] = {}
    for key in keys:
        if key not in table.column_names:
            continue
        rule = "exact:source_id" if key == SOURCE_KEY else f"exact:{key}"
        first: dict[str, str] = {}
        for record_id, value in zip(ids, table.column(key).to_pylist(), strict=True):
            if value is None:
                continue
            anchor = first.setdefault(value, record_id)
            if anchor != record_id:
                match = DuplicateMatch.of(record_type, anchor, record_id, 1.0, rule)
                found.setdefault(match.pair, match)
    return sorted(found.values())
