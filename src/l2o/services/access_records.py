"""Records as a person with an access scope sees them: list, get, update with field guards.

The scope is the set of owner ids :func:`l2o.services.access.visible_owner_ids` gives
(``None``: everyone's). A record outside it is reported *not found*, never *forbidden*, so
ids cannot be probed for existence. Records without an owner of their own take their
scope from the record they belong to: a contact, order or contract from its account's owner,
an approval from its quote's owner. A user record is in scope when the user is.

::

    owners = visible_owner_ids(engine, principal)
    page = list_records(engine, "opportunity", owners, limit=50, offset=0)
    deal = get_record(engine, "opportunity", deal_id, owners)
    update_record(engine, "opportunity", deal_id, {"next_step": "demo"}, owners, actor=uid)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o import domain
from l2o.engine import Reason
from l2o.errors import RecordNotFound
from l2o.services.access_policy import write_refusals
from l2o.services.errors import CommandRefused
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store import schema as s
from l2o.store.types import TextEnum

__all__ = [
    "RECORD_TYPES",
    "RecordPage",
    "get_record",
    "list_records",
    "record_data",
    "stage_history",
    "update_record",
]


@dataclass(frozen=True)
class _RecordType:
    record_class: type[domain.Record]
    table: sa.Table
    # The column holding the owner, or (column, parent table) when the owner is the parent's.
    owner: str
    via: sa.Table | None = None


RECORD_TYPES: Mapping[str, _RecordType] = {
    "account": _RecordType(domain.Account, s.accounts, "owner_id"),
    "contact": _RecordType(domain.Contact, s.contacts, "account_id", s.accounts),
    "lead": _RecordType(domain.Lead, s.leads, "owner_id"),
    "opportunity": _RecordType(domain.Opportunity, s.opportunities, "owner_id"),
    "quote": _RecordType(domain.Quote, s.quotes, "owner_id"),
    "approval": _RecordType(domain.Approval, s.approvals, "quote_id", s.quotes),
    "order": _RecordType(domain.Order, s.orders, "account_id", s.accounts),
    "contract": _RecordType(domain.Contract, s.contracts, "account_id", s.accounts),
    "task": _RecordType(domain.Task, s.tasks, "owner_id"),
    "user": _RecordType(domain.User, s.users, "id"),
}
"""The record types the API serves, by the name used in URLs and refusals."""


@dataclass(frozen=True)
class RecordPage:
    """One page of a list: the records, how many there are in all, and where the page starts."""

    items: list[Any]
    total: int
    limit: int
    offset: int


def _in_scope(kind: _RecordType, owners: frozenset[str] | None) -> sa.ColumnElement[bool]:
    if owners is None:
        return sa.true()
    if kind.via is None:
        return kind.table.c[kind.owner].in_(sorted(owners))
    parents = sa.select(kind.via.c.id).where(kind.via.c.owner_id.in_(sorted(owners)))
    return kind.table.c[kind.owner].in_(parents)


def _kind(record_type: str) -> _RecordType:
    try:
        return RECORD_TYPES[record_type]
    except KeyError:
        raise ValueError(f"unknown record type {record_type!r}") from None


def list_records(
    engine: Engine,
    record_type: str,
    owners: frozenset[str] | None,
    *,
    limit: int,
    offset: int = 0,
    filters: Mapping[str, Any] | None = None,
) -> RecordPage:
    """A page of ``record_type`` records in scope, oldest first, with the total in scope.

    ``filters`` are equality tests on the record's own columns (unknown names refused).
    A value an enumerated column cannot hold (``status="nonsense"``) matches no record.
    """
    kind = _kind(record_type)
    where = [_in_scope(kind, owners)]
    for name, value in (filters or {}).items():
        if name not in kind.table.c:
            raise ValueError(f"{record_type} has no field {name!r} to filter on")
        where.append(_equals(kind.table.c[name], value))
    order = [kind.table.c[c] for c in ("created_at", "id") if c in kind.table.c]
    with SqlAlchemyUnitOfWork(engine, source="api") as uow:
        total = uow.session.scalar(sa.select(sa.func.count()).select_from(kind.table).where(*where))
        items = list(
            uow.session.scalars(
                sa.select(kind.record_class)
                .where(*where)
                .order_by(*order)
                .limit(limit)
                .offset(offset)
            )
        )
    return RecordPage(items, int(total or 0), limit, offset)


def _equals(column: sa.Column[Any], value: Any) -> sa.ColumnElement[bool]:
    if isinstance(column.type, TextEnum):
        known = {member.value for member in column.type.enum_class}
        if str(value) not in known:
            return sa.false()
    match: sa.ColumnElement[bool] = column == value
    return match


def get_record(
    engine: Engine, record_type: str, record_id: str, owners: frozenset[str] | None
) -> Any:
    """The ``record_type`` record ``record_id`` if in scope, else ``RecordNotFound``."""
    kind = _kind(record_type)
    with SqlAlchemyUnitOfWork(engine, source="api") as uow:
        record = uow.session.scalars(
            sa.select(kind.record_class).where(
                kind.table.c.id == record_id, _in_scope(kind, owners)
            )
        ).first()
        if record is None:
            raise RecordNotFound(kind.record_class.type_name(), record_id)
        if isinstance(record, domain.Quote):
            _ = record.lines  # loaded before the session closes
        return record


def stage_history(
    engine: Engine, opportunity_id: str, owners: frozenset[str] | None
) -> list[domain.StageChange]:
    """The stage moves of an opportunity in scope, oldest first."""
    get_record(engine, "opportunity", opportunity_id, owners)
    with SqlAlchemyUnitOfWork(engine, source="api") as uow:
        changes = uow.stage_changes.list(opportunity_id=opportunity_id)
    return sorted(changes, key=lambda c: (c.changed_at, c.id))


def update_record(
    engine: Engine,
    record_type: str,
    record_id: str,
    changes: Mapping[str, Any],
    owners: frozenset[str] | None,
    *,
    actor: str | None,
) -> Any:
    """Set ``changes`` on a record in scope, audited under ``actor``; the updated record.

    A field a generic update may not set (owner, stage, an approved discount...) refuses
    the whole update with ``CommandRefused`` (rule ``write_guard``), one reason per field
    naming the command that changes it; nothing is written.
    """
    kind = _kind(record_type)
    refusals = write_refusals(record_type, changes)
    if refusals:
        raise CommandRefused(
            kind.record_class.type_name(),
            record_id,
            "write_guard",
            [Reason(g.rule, f"{g.field}: {g.text}") for g in refusals],
        )
    get_record(engine, record_type, record_id, owners)
    with SqlAlchemyUnitOfWork(engine, actor=actor, source="api") as uow:
        record = uow.session.get(kind.record_class, record_id)
        if record is None:
            raise RecordNotFound(kind.record_class.type_name(), record_id)
        for name, value in changes.items():
            setattr(record, name, value)
        uow.commit()
        if isinstance(record, domain.Quote):
            _ = record.lines
        return record


def record_data(record: Any) -> dict[str, Any]:
    """A record as JSON data: its stored fields, and its loaded children (a quote's lines)."""
    state = sa.inspect(record)
    data: dict[str, Any] = {}
    for name in (f.name for f in fields(record)):
        if name in state.unloaded:
            continue
        value = getattr(record, name)
        if isinstance(value, list) and value and isinstance(value[0], domain.Record):
            data[name] = [record_data(child) for child in value]
        else:
            data[name] = domain.jsonable(value)
    return data
