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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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


class MergeError(L2OError):
    """A merge or an undo cannot be done (already undone, already merged, wrong record)."""


@dataclass
class DeduplicationReport:
    """What ``deduplicate`` found and, unless it was a dry run, the merges it made."""

    result: DedupeResult
    merges: list[domain.Merge] = field(default_factory=list)
    dry_run: bool = False


def choose_master(records: Sequence[Mergeable]) -> Mergeable:
    """The record to keep: the oldest, then the most complete, then the smallest id."""
    if not records:
        raise ValueError("choose_master needs at least one record")
    return min(records, key=lambda r: (r.created_at, -_filled_fields(r), r.id))


def merge_duplicates(
    uow: SqlAlchemyUnitOfWork, matches: Iterable[DuplicateMatch]
) -> list[domain.Merge]:
    """Merge each cluster of ``matches`` into its master, in ``uow``; the caller commits.

    Matches name records by id; those records must be in the store (or added to ``uow``).
    Each loser is merged with the strongest match that involves it (its probability and
    rule go on the ``Merge`` row). Records already merged away are left as they are.
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
    repository = _repository(uow, record_type)
    # No flush before each lookup: a merge only moves references *from* a loser to its
    # master, and no record ever points at a loser anew, so what the store still holds
    # answers "who points at this loser" exactly; the changes flush once, at the end.
    with uow.session.no_autoflush:
        groups = clusters(matches)
        # One query per chunk of ids loads every record involved (then found by id in the
        # session), and one per child table finds what points at the losers.
        live = {
            r.id: r
            for r in repository.where_in("id", [i for group in groups for i in group])
            if r.merged_into_id is None
        }
        planned: list[tuple[Mergeable, Mergeable]] = []
        for group in groups:
            records = [live[i] for i in group if i in live]
            if len(records) < 2:
                continue
            master = choose_master(records)
            planned.extend((master, record) for record in records if record.id != master.id)
        children = _Children(uow, record_type, [loser.id for _, loser in planned])
        merges = [
            _merge(
                uow,
                master,
                loser,
                children,
                strongest[loser.id].rule,
                strongest[loser.id].match_probability,
            )
            for master, loser in planned
        ]
    uow.flush()
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
    """What points at each loser of one merge run, found with one query per child table."""

    def __init__(self, uow: SqlAlchemyUnitOfWork, record_type: str, loser_ids: list[str]) -> None:
        type_name = _record_class(record_type).type_name()
        self.by_table: dict[str, dict[str, list[Any]]] = {}
        for table, repository_name, field_name in CHILD_REFERENCES[type_name]:
            found = getattr(uow, repository_name).where_in(field_name, loser_ids)
            self.by_table[table] = _grouped(found, field_name)
        tasks = [
            t for t in uow.tasks.where_in("related_id", loser_ids) if t.related_type == type_name
        ]
        self.by_table[_TASKS] = _grouped(tasks, "related_id")

    def pointing_at(self, table: str, loser_id: str) -> list[Any]:
        """The records of ``table`` that point at ``loser_id``, oldest first."""
        return self.by_table[table].get(loser_id, [])


def _grouped(records: list[Any], field_name: str) -> dict[str, list[Any]]:
    records.sort(key=lambda r: (getattr(r, "created_at", None) or domain.utc_now(), r.id))
    grouped: dict[str, list[Any]] = {}
    for record in records:
        grouped.setdefault(getattr(record, field_name), []).append(record)
    return grouped


def _merge(
    uow: SqlAlchemyUnitOfWork,
    master: Mergeable,
    merged: Mergeable,
    children: _Children,
    rule: str,
    match_probability: float,
) -> domain.Merge:
    merge = domain.merge_records(
        master,
        merged,
        rule=rule,
        at=domain.utc_now(),
        by=uow.actor,
        match_probability=match_probability,
    )
    type_name = type(merged).type_name()
    for table, _repository_name, field_name in CHILD_REFERENCES[type_name]:
        moved = [
            child
            for child in children.pointing_at(table, merged.id)
            # The master itself may point at the loser (a parent account): leave that alone.
            if child.id != master.id
        ]
        for child in moved:
            setattr(child, field_name, master.id)
        if moved:
            merge.note_reparented(table, [child.id for child in moved])
    tasks = children.pointing_at(_TASKS, merged.id)
    for task in tasks:
        task.related_id = master.id
    if tasks:
        merge.note_reparented(_TASKS, [task.id for task in tasks])
    uow.merges.add(merge)
    return merge


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


def _row(record: Mergeable) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _filled_fields(record: Mergeable) -> int:
    return sum(1 for value in _row(record).values() if value not in (None, "", [], {}))
