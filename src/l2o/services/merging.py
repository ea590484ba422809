"""Merging duplicate accounts, contacts and leads - and undoing a merge.

A merge keeps one record (the *master*) and retires the other (the *merged* record, or
loser) without deleting it:

- every record that pointed at the loser (its contacts, deals, touchpoints, quotes, a
  converted lead's links, tasks about it...) is moved to the master, and the moved ids are
  kept on the ``Merge`` row per table, so the move can be reversed exactly;
- the loser keeps its fields, gets ``merged_into_id`` = the master, and a JSON snapshot of
  it is kept on the ``Merge`` row;
- every change is a normal write through the unit of work, so each moved reference and the
  loser's pointer leave audit rows (who, when, old and new value).

Which record is kept: the **oldest** (``created_at``) - it carries the history people have
worked on - then the most complete (most fields filled), then the smallest id, so the choice
is deterministic.

Use cases (each one transaction): ``deduplicate`` (find and merge the duplicates of one
record type in the store) and ``undo_merge``. ``merge_duplicates`` stages merges in the
caller's unit of work without committing: the importer calls it inside its batch.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from l2o import domain
from l2o.errors import L2OError
from l2o.ingest.dedupe import (
    DedupeResult,
    DedupeSettings,
    DuplicateMatch,
    clusters,
    find_duplicates,
)
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.bulk import LOOKUP_CHUNK, BulkWriter
from l2o.store.schema import metadata

__all__ = [
    "CHILD_REFERENCES",
    "MERGEABLE_TYPES",
    "DeduplicationReport",
    "MergeError",
    "choose_master",
    "deduplicate",
    "list_merges",
    "merge_duplicates",
    "undo_merge",
]

#: ``accounts|contacts|leads`` -> the record class (its type name goes on the Merge row).
MERGEABLE_TYPES: dict[str, type[domain.Account | domain.Contact | domain.Lead]] = {
    "accounts": domain.Account,
    "contacts": domain.Contact,
    "leads": domain.Lead,
}

#: Per record type name: (table, unit-of-work repository, field) of every reference to it.
#: A test compares this with the store's foreign keys, so a new reference cannot be missed.
CHILD_REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Account": (
        ("accounts", "accounts", "parent_id"),
        ("contacts", "contacts", "account_id"),
        ("opportunities", "opportunities", "account_id"),
        ("leads", "leads", "converted_account_id"),
        ("touchpoints", "touchpoints", "account_id"),
        ("quotes", "quotes", "account_id"),
        ("orders", "orders", "account_id"),
        ("contracts", "contracts", "account_id"),
        ("usage_records", "usage", "account_id"),
        ("support_tickets", "support_tickets", "account_id"),
    ),
    "Contact": (
        ("opportunities", "opportunities", "primary_contact_id"),
        ("leads", "leads", "converted_contact_id"),
        ("touchpoints", "touchpoints", "contact_id"),
        ("support_tickets", "support_tickets", "contact_id"),
    ),
    "Lead": (
        ("touchpoints", "touchpoints", "lead_id"),
        ("assignments", "assignments", "lead_id"),
    ),
}

#: Tasks name what they are about by type and id (no foreign key); they follow merges too.
_TASKS = "tasks"

Mergeable = domain.Account | domain.Contact | domain.Lead
R = TypeVar("R", domain.Account, domain.Contact, domain.Lead, Mapping[str, Any])


class MergeError(L2OError):
    """A merge or an undo cannot be done (already undone, already merged, wrong record)."""


@dataclass
class DeduplicationReport:
    """What ``deduplicate`` found and, unless it was a dry run, the merges it made."""

    result: DedupeResult
    merges: list[domain.Merge] = field(default_factory=list)
    dry_run: bool = False


def choose_master(records: Sequence[R]) -> R:
    """The record to keep: the oldest, then the most complete, then the smallest id.

    ``records`` are records, or their stored rows (mappings of column to value).
    """
    if not records:
        raise ValueError("choose_master needs at least one record")
    values = [_values(record) for record in records]
    best = min(
        range(len(records)),
        key=lambda i: (values[i]["created_at"], -_filled_fields(values[i]), values[i]["id"]),
    )
    return records[best]


def merge_duplicates(
    uow: SqlAlchemyUnitOfWork, matches: Iterable[DuplicateMatch]
) -> list[domain.Merge]:
    """Merge each cluster of ``matches`` into its master, in ``uow``; the caller commits.

    Matches name records by id; those records must be in the store (or added to ``uow``).
    Each loser is merged with the strongest match that involves it (its probability and
    rule go on the ``Merge`` row). Records already merged away are left as they are.

    Written in bulk (``BulkWriter``: a query per table and chunk, not a statement per
    record; versions raised and audit rows written as the unit of work writes them), so an
    import's tens of thousands of merges cost seconds. What the session held of the records
    written is expired (reloaded when next read).
    """
    matches = list(matches)
    if not matches:
        return []
    uow.flush()  # records added earlier in this unit of work become readable by id
    strongest: dict[str, DuplicateMatch] = {}
    for match in matches:
        for record_id in match.pair:
            best = strongest.get(record_id)
            if best is None or match.match_probability > best.match_probability:
                strongest[record_id] = match
    record_type = matches[0].record_type
    record_class = _record_class(record_type)
    writer = BulkWriter.for_unit_of_work(uow)
    groups = clusters(matches)
    # A merge only moves references *from* a loser to its master, and no record ever points
    # at a loser anew, so what the store holds answers "who points at this loser" exactly.
    stored = writer.existing_by_id(record_type, [i for group in groups for i in group])
    live = {i: row for i, row in stored.items() if row["merged_into_id"] is None}
    planned: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    for group in groups:
        rows = [live[i] for i in group if i in live]
        if len(rows) < 2:
            continue
        master = choose_master(rows)
        planned.extend((master, row) for row in rows if row["id"] != master["id"])
    if not planned:
        return []
    children = _Children(writer, record_class.type_name(), [loser["id"] for _, loser in planned])
    now, by = domain.utc_now(), uow.actor
    merges: list[domain.Merge] = []
    moves: dict[str, list[tuple[Mapping[str, Any], dict[str, Any]]]] = defaultdict(list)
    for master, loser in planned:
        match = strongest[loser["id"]]
        merge = domain.merge_records(
            _as_record(record_class, master),
            _as_record(record_class, loser),
            rule=match.rule,
            at=now,
            by=by,
            match_probability=match.match_probability,
        )
        moves[record_type].append((loser, {"merged_into_id": master["id"]}))
        for table, field_name in children.references:
            # The master itself may point at the loser (a parent account): leave that alone.
            moved = [c for c in children.pointing_at(table, loser["id"]) if c["id"] != master["id"]]
            moves[table].extend((child, {field_name: master["id"]}) for child in moved)
            if moved:
                merge.note_reparented(table, [child["id"] for child in moved])
        merges.append(merge)
    for table, changes in moves.items():
        writer.update(table, changes)
    writer.append("merges", [_row(merge) for merge in merges])
    _expire_written(uow, {str(row["id"]) for changes in moves.values() for row, _ in changes})
    return merges


def deduplicate(
    uow: SqlAlchemyUnitOfWork,
    record_type: str,
    *,
    threshold: float | None = None,
    dry_run: bool = False,
    settings: DedupeSettings | None = None,
) -> DeduplicationReport:
    """Find the duplicates among the store's live ``record_type`` records and merge them.

    One transaction: every merge commits together, or none does. With ``dry_run`` nothing is
    written and the report lists what would be merged.
    """
    repository = _repository(uow, record_type)
    live = repository.list(merged_into_id=None)
    rows = [_row(record) for record in live]
    result = find_duplicates(
        rows, record_type, settings, threshold=threshold, standardized=("email", "phone")
    )
    report = DeduplicationReport(result=result, dry_run=dry_run)
    if dry_run or not result.matches:
        return report
    report.merges = merge_duplicates(uow, result.matches)
    uow.commit()
    return report


def undo_merge(uow: SqlAlchemyUnitOfWork, merge_id: str) -> domain.Merge:
    """Undo one merge: the loser is a record of its own again and its children move back.

    Only children still pointing at the master move back (one moved elsewhere since is
    left where a person put it). Undoing a merge twice is an error naming when it was undone.
    """
    merge = uow.merges.get(merge_id)
    if merge.is_undone:
        by = f" by {merge.undone_by}" if merge.undone_by else ""
        raise MergeError(
            f"merge {merge.id} ({merge.record_type} {merge.merged_id} into {merge.master_id}) "
            f"was already undone at {merge.undone_at:%Y-%m-%d %H:%M:%S} UTC{by}"
        )
    plural = _plural(merge.record_type)
    merged = _repository(uow, plural).get(merge.merged_id)
    try:
        merge.undo(merged, at=domain.utc_now(), by=uow.actor)
    except ValueError as exc:
        raise MergeError(str(exc)) from exc
    references = {table: (repo, name) for table, repo, name in CHILD_REFERENCES[merge.record_type]}
    for table, ids in merge.reparented.items():
        if table == _TASKS:
            for task_id in ids:
                task = uow.tasks.find(task_id)
                if task is not None and task.related_id == merge.master_id:
                    task.related_id = merge.merged_id
            continue
        repository_name, field_name = references[table]
        repository = getattr(uow, repository_name)
        for child_id in ids:
            child = repository.find(child_id)
            if child is not None and getattr(child, field_name) == merge.master_id:
                setattr(child, field_name, merge.merged_id)
    uow.commit()
    return merge


def list_merges(
    uow: SqlAlchemyUnitOfWork, record_type: str | None = None, *, limit: int | None = None
) -> list[domain.Merge]:
    """Merges, oldest first; ``record_type`` is ``accounts|contacts|leads`` or None for all."""
    if record_type is None:
        merges = uow.merges.list()
    else:
        merges = uow.merges.list(record_type=_record_class(record_type).type_name())
    merges.sort(key=lambda m: (m.merged_at, m.id))
    return merges[:limit] if limit is not None else merges


class _Children:
    """What points at each loser of one merge run, as stored rows (id, creation time, the
    reference): one query per child table and chunk of losers."""

    def __init__(self, writer: BulkWriter, type_name: str, loser_ids: list[str]) -> None:
        #: ``(table, field)`` of every reference to a record of this type, tasks last.
        self.references = [(table, field) for table, _repo, field in CHILD_REFERENCES[type_name]]
        self.references.append((_TASKS, "related_id"))
        self.by_table: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for table, field_name in self.references:
            rows = _child_rows(writer, table, field_name, loser_ids)
            if table == _TASKS:
                rows = [r for r in rows if r["related_type"] == type_name]
            self.by_table[table] = _grouped(rows, field_name)

    def pointing_at(self, table: str, loser_id: str) -> list[dict[str, Any]]:
        """The rows of ``table`` that point at ``loser_id``, oldest first."""
        return self.by_table[table].get(loser_id, [])


def _child_rows(
    writer: BulkWriter, table: str, field_name: str, loser_ids: list[str]
) -> list[dict[str, Any]]:
    present = metadata.tables[table].columns
    columns = [c for c in ("id", "created_at", "related_type") if c in present]
    rows: list[dict[str, Any]] = []
    # In chunks: tens of thousands of losers are more bound values than a server takes.
    for start in range(0, len(loser_ids), LOOKUP_CHUNK):
        chunk = loser_ids[start : start + LOOKUP_CHUNK]
        rows.extend(writer.rows_where_any(table, {field_name: chunk}, [*columns, field_name]))
    return rows


def _grouped(rows: list[dict[str, Any]], field_name: str) -> dict[str, list[dict[str, Any]]]:
    rows.sort(key=lambda r: (r.get("created_at") or domain.utc_now(), r["id"]))
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[field_name], []).append(row)
    return grouped


def _as_record(record_class: type[Mergeable], row: Mapping[str, Any]) -> Mergeable:
    """A detached record with a stored row's values, for the merge's snapshot and checks."""
    return record_class(**{f.name: row[f.name] for f in dataclasses.fields(record_class) if f.init})


def _expire_written(uow: SqlAlchemyUnitOfWork, ids: set[str]) -> None:
    """Expire the session's copies of the records written beside it (by id)."""
    session = uow.session
    for record in list(session.identity_map.values()):
        if getattr(record, "id", None) in ids:
            session.expire(record)


def _record_class(record_type: str) -> type[Mergeable]:
    try:
        return MERGEABLE_TYPES[record_type]
    except KeyError:
        raise MergeError(
            f"cannot merge {record_type!r}: use one of {', '.join(MERGEABLE_TYPES)}"
        ) from None


def _plural(type_name: str) -> str:
    for plural, record_class in MERGEABLE_TYPES.items():
        if record_class.type_name() == type_name:
            return plural
    raise MergeError(f"merges of {type_name} records are not supported")


def _repository(uow: SqlAlchemyUnitOfWork, record_type: str) -> Any:
    _record_class(record_type)
    return getattr(uow, record_type)


def _row(record: domain.Record) -> dict[str, Any]:
    """Every field of ``record`` by name."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}  # type: ignore[arg-type]


def _values(record: Mergeable | Mapping[str, Any]) -> Mapping[str, Any]:
    return record if isinstance(record, Mapping) else _row(record)


def _filled_fields(values: Mapping[str, Any]) -> int:
    return sum(1 for value in values.values() if value not in (None, "", [], {}))
