"""Repositories: collections of records backed by the session of one unit of work.

One repository per aggregate. They add and find records; they never commit (the unit of
work does, once per use case). Records that can come from a CRM (``source_system`` +
``source_id``) also have ``find_by_source`` for importers to upsert by.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from l2o import domain
from l2o.domain import as_utc
from l2o.errors import RecordNotFound

__all__ = [
    "AuditRepository",
    "FieldChangeRepository",
    "ImportableRepository",
    "MergeRepository",
    "OutboxRepository",
    "Repository",
]

R = TypeVar("R", bound=domain.Record)


class Repository(Generic[R]):
    """The records of one type: ``add``, ``get`` (or ``RecordNotFound``), ``find``, ``list``.

    >>> # with SqlAlchemyUnitOfWork(engine) as uow:
    >>> #     uow.opportunities.list(account_id=account.id, is_closed=False)
    """

    def __init__(self, session: Session, record_class: type[R]) -> None:
        self._session = session
        self.record_class = record_class

    def add(self, record: R) -> R:
        """Stage ``record`` to be written at commit (children such as quote lines follow it)."""
        self._session.add(record)
        return record

    def get(self, record_id: str) -> R:
        """The record with ``record_id``; ``RecordNotFound`` names the type and id if missing."""
        record = self.find(record_id)
        if record is None:
            raise RecordNotFound(self.record_class.__name__, record_id)
        return record

    def find(self, record_id: str) -> R | None:
        """The record with ``record_id``, or ``None``."""
        return self._session.get(self.record_class, record_id)

    def list(self, *, limit: int | None = None, offset: int = 0, **equal_to: Any) -> list[R]:
        """Records whose fields equal the keyword arguments, oldest first.

        Unknown field names are refused rather than ignored, so a typo cannot return
        everything.
        """
        columns = sa.inspect(self.record_class).columns
        unknown = sorted(set(equal_to) - set(columns.keys()))
        if unknown:
            raise ValueError(
                f"{self.record_class.__name__} has no field(s) {', '.join(unknown)} to filter on"
            )
        query = sa.select(self.record_class).filter_by(**equal_to)
        order = [columns[name] for name in ("created_at", "id") if name in columns]
        query = query.order_by(*order).offset(offset).limit(limit)
        return list(self._session.scalars(query))

    def where_in(self, field: str, values: Iterable[Any], *, chunk: int = 500) -> builtins.list[R]:
        """Records whose ``field`` is one of ``values``: one query per ``chunk`` values."""
        columns = sa.inspect(self.record_class).columns
        if field not in columns:
            raise ValueError(f"{self.record_class.__name__} has no field {field} to filter on")
        column = columns[field]
        wanted = list(dict.fromkeys(values))
        found: builtins.list[R] = []
        for start in range(0, len(wanted), chunk):
            query = sa.select(self.record_class).where(column.in_(wanted[start : start + chunk]))
            found.extend(self._session.scalars(query))
        return found

    def count(self, **equal_to: Any) -> int:
        """How many records match the keyword arguments."""
        query = sa.select(sa.func.count()).select_from(self.record_class).filter_by(**equal_to)
        return int(self._session.scalar(query) or 0)

    def delete(self, record: R) -> None:
        """Remove ``record`` at commit (audited records leave a ``delete`` audit row)."""
        self._session.delete(record)


class ImportableRepository(Repository[R]):
    """Records that may come from a CRM: found by ``(source_system, source_id)``."""

    def find_by_source(self, source_system: str, source_id: str) -> R | None:
        """The record imported from ``source_id`` in ``source_system``, or ``None``.

        The pair is unique in the store, so an importer upserts: find, then update or add.
        Records added earlier in the same unit of work are found too (autoflush).
        """
        query = sa.select(self.record_class).filter_by(
            source_system=source_system, source_id=source_id
        )
        return self._session.scalars(query).one_or_none()

    def by_source_ids(self, source_system: str, source_ids: Sequence[str]) -> dict[str, R]:
        """Records from ``source_system`` keyed by source id, for resolving many at once."""
        if not source_ids:
            return {}
        column = sa.inspect(self.record_class).columns["source_id"]
        query = sa.select(self.record_class).filter_by(source_system=source_system)
        query = query.where(column.in_(list(source_ids)))
        return {record.source_id: record for record in self._session.scalars(query)}  # type: ignore[attr-defined]


class FieldChangeRepository(ImportableRepository[domain.OpportunityFieldChange]):
    """Opportunities' field history (other than stage): read per deal, in time order."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, domain.OpportunityFieldChange)

    def history(
        self, opportunity_id: str, field: str | None = None
    ) -> list[domain.OpportunityFieldChange]:
        """The changes of one deal (of one ``field``, if given), oldest first.

        >>> # close-date slips: [c.close_date_slip_days() for c in
        >>> #                    uow.field_changes.history(deal.id, "close_date")]
        """
        columns = sa.inspect(domain.OpportunityFieldChange).columns
        query = sa.select(domain.OpportunityFieldChange).filter_by(opportunity_id=opportunity_id)
        if field is not None:
            query = query.filter_by(field=field)
        query = query.order_by(columns["changed_at"], columns["id"])
        return list(self._session.scalars(query))


class MergeRepository(Repository[domain.Merge]):
    """Merges of duplicates: what happened to a record, whichever side of a merge it was."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, domain.Merge)

    def for_record(self, record_type: str, record_id: str) -> list[domain.Merge]:
        """Every merge ``record_id`` took part in, as master or as the merged duplicate.

        Oldest first, undone merges included (``merge.is_undone`` tells them apart).
        ``record_type`` is the type name: ``Account``, ``Contact`` or ``Lead``.
        """
        columns = sa.inspect(domain.Merge).columns
        query = (
            sa.select(domain.Merge)
            .where(columns["record_type"] == record_type)
            .where(sa.or_(columns["master_id"] == record_id, columns["merged_id"] == record_id))
            .order_by(columns["merged_at"], columns["id"])
        )
        return list(self._session.scalars(query))


class AuditRepository(Repository[domain.AuditEntry]):
    """The audit log, read side: the trail of one record, oldest first."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, domain.AuditEntry)

    def for_record(self, record_type: str, record_id: str) -> list[domain.AuditEntry]:
        """Every audit row of one record, in the order the changes happened."""
        entry = domain.AuditEntry
        query = (
            sa.select(entry)
            .filter_by(record_type=record_type, record_id=record_id)
            .order_by(sa.inspect(entry).columns["changed_at"], sa.inspect(entry).columns["id"])
        )
        return list(self._session.scalars(query))


class OutboxRepository(Repository[domain.OutboxMessage]):
    """The outbox, worker side: the messages due for delivery."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, domain.OutboxMessage)

    def due(self, now: datetime, limit: int = 100) -> list[domain.OutboxMessage]:
        """Pending messages whose retry time has come, oldest first.

        On PostgreSQL the rows are locked and rows locked by another worker are skipped,
        so several workers can drain the outbox without delivering a message twice.
        """
        columns = sa.inspect(domain.OutboxMessage).columns
        query = (
            sa.select(domain.OutboxMessage)
            .where(columns["status"] == domain.OutboxStatus.PENDING)
            .where(
                sa.or_(
                    columns["next_attempt_at"].is_(None), columns["next_attempt_at"] <= as_utc(now)
                )
            )
            .order_by(columns["created_at"], columns["id"])
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self._session.scalars(query))
