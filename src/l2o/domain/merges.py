"""Merges of duplicate records: which record won, what the loser was, and how to undo it.

Dedupe keeps both records. The loser (``merged``) stays in the store with
``merged_into_id`` pointing at the winner (``master``), so references to it can still be
followed; a ``Merge`` row keeps the loser's field values at merge time and which child
records (contacts, deals, touchpoints...) were moved from it to the master. That is what
makes a merge reviewable and undoable::

    merge = merge_records(master, duplicate, rule="exact:email", at=utc_now(), by=user_id)
    # ... the service moves the duplicate's children and notes them in merge.reparented
    merge.undo(duplicate, at=utc_now(), by=user_id)  # the service moves them back
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from l2o.domain.accounts import Account, Contact
from l2o.domain.base import Record, as_utc, jsonable, new_id, utc_now
from l2o.domain.leads import Lead

__all__ = ["MERGEABLE_RECORDS", "Merge", "MergeableRecord", "merge_records"]

#: The kinds of record dedupe may merge: each has a ``merged_into_id``.
MergeableRecord = Account | Contact | Lead
MERGEABLE_RECORDS: tuple[type[Record], ...] = (Account, Contact, Lead)


@dataclass(kw_only=True, eq=False)
class Merge(Record):
    """One merge of a duplicate (``merged_id``) into the record kept (``master_id``).

    ``record_type`` is the records' type name (``Account``, ``Contact``, ``Lead``), as in
    the audit log. ``merged_snapshot`` holds every field of the loser at merge time as JSON
    (money and dates as strings); ``reparented`` maps a table to the ids of its rows moved
    from the loser to the master, e.g. ``{"contacts": ["c1", "c2"]}``. ``rule`` says what
    matched them (``exact:email``, ``splink``, ``manual``) and ``match_probability`` how sure
    the matcher was (0-1, ``None`` for exact rules and people). An undone merge keeps its
    row, with ``undone_at`` and ``undone_by`` set.
    """

    id: str = dataclasses.field(default_factory=new_id)
    record_type: str
    master_id: str
    merged_id: str
    merged_snapshot: dict[str, Any] = dataclasses.field(default_factory=dict)
    reparented: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    match_probability: float | None = None
    rule: str
    merged_at: datetime = dataclasses.field(default_factory=utc_now)
    merged_by: str | None = None
    undone_at: datetime | None = None
    undone_by: str | None = None

    def __post_init__(self) -> None:
        if self.master_id == self.merged_id:
            raise ValueError(f"Merge {self.id}: a record cannot be merged into itself")
        if not self.rule:
            raise ValueError(f"Merge {self.id}: say which rule matched the records")
        probability = self.match_probability
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError(
                f"Merge {self.id}: match_probability must be between 0 and 1, not {probability}"
            )

    @property
    def is_undone(self) -> bool:
        """Whether the merge was undone (the loser is a record of its own again)."""
        return self.undone_at is not None

    def note_reparented(self, table: str, ids: Sequence[str]) -> None:
        """Record that rows ``ids`` of ``table`` were moved from the loser to the master."""
        moved = self.reparented.setdefault(table, [])
        moved.extend(record_id for record_id in ids if record_id not in moved)

    def undo(self, merged: MergeableRecord, *, at: datetime, by: str | None = None) -> None:
        """Undo the merge: ``merged`` (the loser) stops pointing at the master.

        Moving the children listed in ``reparented`` back is the service's work, in the same
        transaction. A merge is undone once; the loser must still point at this master.
        """
        if self.is_undone:
            raise ValueError(f"Merge {self.id}: already undone at {self.undone_at}")
        if type(merged).type_name() != self.record_type or merged.id != self.merged_id:
            raise ValueError(
                f"Merge {self.id}: merged {self.record_type} {self.merged_id}, "
                f"not {type(merged).type_name()} {merged.id}"
            )
        if merged.merged_into_id != self.master_id:
            raise ValueError(
                f"Merge {self.id}: {self.record_type} {merged.id} points at "
                f"{merged.merged_into_id}, not at the master {self.master_id}"
            )
        merged.merged_into_id = None
        self.undone_at = as_utc(at)
        self.undone_by = by


def merge_records(
    master: MergeableRecord,
    merged: MergeableRecord,
    *,
    rule: str,
    at: datetime,
    by: str | None = None,
    match_probability: float | None = None,
    reparented: Mapping[str, Sequence[str]] | None = None,
) -> Merge:
    """Mark ``merged`` as a duplicate of ``master`` and return the ``Merge`` that records it.

    The loser's fields are snapshotted before it changes. Both must be the same type of
    record, neither may already be merged away, and a record is not merged into itself.
    """
    if type(master) is not type(merged) or not isinstance(master, MERGEABLE_RECORDS):
        raise ValueError(
            f"cannot merge {type(merged).type_name()} {merged.id} into "
            f"{type(master).type_name()} {master.id}: only two accounts, contacts or leads"
        )
    for record in (master, merged):
        if record.merged_into_id is not None:
            raise ValueError(
                f"{type(record).type_name()} {record.id} is already merged into "
                f"{record.merged_into_id}"
            )
    merge = Merge(
        record_type=type(merged).type_name(),
        master_id=master.id,
        merged_id=merged.id,
        merged_snapshot=_snapshot(merged),
        reparented={table: list(ids) for table, ids in (reparented or {}).items()},
        match_probability=match_probability,
        rule=rule,
        merged_at=as_utc(at),
        merged_by=by,
    )
    merged.merged_into_id = master.id
    return merge


def _snapshot(record: Record) -> dict[str, Any]:
    """Every field of ``record`` as JSON data, e.g. to keep what a merged record was."""
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}  # type: ignore[arg-type]
    return {name: jsonable(value) for name, value in values.items()}
