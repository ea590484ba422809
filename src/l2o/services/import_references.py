"""Turning the source ids a file refers to into store ids, for one import batch.

A row's ``account_id = "AC-7"`` means the account whose source id is ``AC-7`` in the same
source system: accepted earlier in this batch (record types are imported parents first), or
stored by an earlier import. Anything else is unresolvable and the row is quarantined (rule
``unresolved_reference``) - a reference is never guessed nor silently emptied.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from l2o.ingest import RECORD_SPECS, RowProblem, StagedRow
from l2o.store.bulk import BulkWriter

__all__ = ["ReferenceResolver", "derived_id"]

_ID_NAMESPACE = uuid.UUID("9c5b1c2e-4f0a-4d59-9a43-2f6f0e1d7b8a")


def derived_id(source_system: str, record_type: str, source_id: str) -> str:
    """A stable store id for a record type without source columns (quote lines, approvals),
    so re-importing the same row finds the same record."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{source_system}/{record_type}/{source_id}"))


class ReferenceResolver:
    """Source id -> store id for every record type of one source system, batch and store."""

    def __init__(self, writer: BulkWriter, source_system: str) -> None:
        self.writer = writer
        self.source_system = source_system
        # Only record types something refers to are remembered (touchpoints are not).
        self._referenced = {
            target for spec in RECORD_SPECS.values() for target in spec.references.values()
        }
        self._known: dict[str, dict[str, str]] = defaultdict(dict)
        self._missing: dict[str, set[str]] = defaultdict(set)
        # Per record type: reference field -> (target type, the target's known ids). The
        # dicts are ``_known``'s own (only ever changed in place), looked up once per type.
        self._targets: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}

    def _targets_of(self, record_type: str) -> dict[str, tuple[str, dict[str, str]]]:
        targets = self._targets.get(record_type)
        if targets is None:
            targets = self._targets[record_type] = {
                name: (target, self._known[target])
                for name, target in RECORD_SPECS[record_type].references.items()
            }
        return targets

    def register(self, record_type: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember ``(source_id, store_id)`` pairs accepted in this batch."""
        if record_type in self._referenced:
            known = self._known[record_type]
            for source_id, store_id in pairs:
                known[source_id] = store_id
                self._missing[record_type].discard(source_id)

    def forget(self, record_type: str, source_ids: Iterable[str]) -> None:
        """Drop source ids that turned out not to be accepted after all."""
        known = self._known[record_type]
        for source_id in source_ids:
            known.pop(source_id, None)

    def follow_merges(self, record_type: str) -> None:
        """Point this batch's references to ``record_type`` records merged away (by this
        batch's dedupe step or an earlier one) at the records they were merged into."""
        known = self._known.get(record_type)
        if not known:
            return
        masters = self.writer.masters(record_type, known.values())
        if masters:
            for source_id, store_id in known.items():
                known[source_id] = masters.get(store_id, store_id)

    def prefetch(self, rows: Iterable[StagedRow]) -> None:
        """Look up, in one query per record type, the store ids ``rows`` refer to."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            targets = self._targets_of(row.record_type)
            for name, source_id in row.references.items():
                if source_id is None or name not in targets:
                    continue
                target, known = targets[name]
                if source_id not in known and source_id not in self._missing[target]:
                    wanted[target].add(source_id)
        self._look_up(wanted)

    def resolve_columns(
        self, record_type: str, references: Mapping[str, Sequence[str | None]]
    ) -> tuple[dict[str, list[str | None]], dict[int, RowProblem]]:
        """Reference columns of ``record_type`` rows (field -> each row's source id) as store
        ids, looked up first as :meth:`prefetch` does; and, by position, the rows refused,
        each with its first reference not found (in field order), as :meth:`resolve_all`
        says. Column by column: nothing per row unless a reference is not found."""
        targets = self._targets_of(record_type)
        wanted: dict[str, set[str]] = defaultdict(set)
        for name, source_ids in references.items():
            if name in targets:
                target, known = targets[name]
                named = set(source_ids)
                named.discard(None)
                # ``difference`` with a dict looks each name up in it; ``- known.keys()``
                # would first copy a million known ids into a set, chunk after chunk.
                unknown = named.difference(known).difference(self._missing[target])
                wanted[target].update(cast(set[str], unknown))
        self._look_up(wanted)
        resolved: dict[str, list[str | None]] = {}
        refused: dict[int, RowProblem] = {}
        for name, source_ids in references.items():
            entry = targets.get(name)
            if entry is None:
                resolved[name] = [None] * len(source_ids)
                continue
            target, known = entry
            # ``None`` (no reference) looks up as ``None``: no store id is keyed by it.
            store_ids = list(map(cast(dict[str | None, str], known).get, source_ids))
            if store_ids.count(None) != source_ids.count(None):
                for position, (source_id, store_id) in enumerate(
                    zip(source_ids, store_ids, strict=True)
                ):
                    if store_id is None and source_id is not None and position not in refused:
                        refused[position] = self._unresolved(name, target, source_id)
            resolved[name] = store_ids
        return resolved, refused

    def _look_up(self, wanted: Mapping[str, set[str]]) -> None:
        """Look up the store ids of ``wanted`` source ids, one query per record type."""
        for target, source_ids in wanted.items():
            if not source_ids:
                continue
            if not self.writer.has_table(target) or not self.writer.has_source_key(target):
                self._missing[target].update(source_ids)
                continue
            found = self.writer.ids_by_source(target, self.source_system, source_ids)
            self._known[target].update(found)
            self._missing[target].update(source_ids - found.keys())

    def resolve(self, row: StagedRow) -> dict[str, str | None]:
        """``row``'s references as store ids; ``RowProblem`` for the first one not found."""
        done, refused = self.resolve_all([row])
        if refused:
            raise refused[0][1]
        return done[0][1]

    def resolve_all(
        self, rows: Iterable[StagedRow]
    ) -> tuple[list[tuple[StagedRow, dict[str, str | None]]], list[tuple[StagedRow, RowProblem]]]:
        """What :meth:`resolve` says of each of ``rows``, in one pass: the rows resolved with
        their references' store ids, and the rows refused with the first reference not found."""
        done: list[tuple[StagedRow, dict[str, str | None]]] = []
        refused: list[tuple[StagedRow, RowProblem]] = []
        record_type = ""
        targets: dict[str, tuple[str, dict[str, str]]] = {}
        for row in rows:
            if row.record_type != record_type:
                record_type, targets = row.record_type, self._targets_of(row.record_type)
            resolved: dict[str, str | None] = {}
            for name, source_id in row.references.items():
                entry = targets.get(name)
                if source_id is None or entry is None:
                    resolved[name] = None
                    continue
                store_id = entry[1].get(source_id)
                if store_id is None:
                    refused.append((row, self._unresolved(name, entry[0], source_id)))
                    break
                resolved[name] = store_id
            else:
                done.append((row, resolved))
        return done, refused

    def _unresolved(self, name: str, target: str, source_id: str) -> RowProblem:
        return RowProblem(
            name,
            "unresolved_reference",
            f"no {target} record with id {source_id!r} in this import or the store "
            f"(source {self.source_system})",
        )
