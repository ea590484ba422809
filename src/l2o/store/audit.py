"""The audit log writer: who changed which field of which record, from what to what.

How it works, and why this way:

- When a record is loaded (or refreshed), a copy of its column values is kept on its ORM
  state (``track_loaded_values``). Those are the *old* values.
- At each flush, ``AuditLog`` compares the kept values with the current ones for every
  audited record the session is about to write, and adds one ``AuditEntry`` per changed
  field to the same flush, so audit rows commit or roll back with the change itself.
  Created and deleted records get one row each (``create`` / ``delete``, no field).
- JSON fields (``custom_fields``, ``qualification``) changed in place, which SQLAlchemy
  cannot see, are found at commit by ``flag_in_place_changes`` comparing against the
  kept copy, so ``opp.qualification["champion"] = "Ana"`` is both saved and audited.

Append-only records (stage and field changes, touchpoints, usage, the audit log and
outbox themselves, import batches, merges) are not audited: they are history already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstanceState, Session, UOWTransaction
from sqlalchemy.orm.attributes import flag_modified

from l2o import domain
from l2o.domain import AuditAction, AuditEntry, jsonable, utc_now

__all__ = ["AUDITED_RECORDS", "AuditLog", "track_loaded_values"]

#: Record classes whose field changes are written to the audit log.
AUDITED_RECORDS: frozenset[type[domain.Record]] = frozenset(
    {
        domain.Territory,
        domain.User,
        domain.Account,
        domain.Contact,
        domain.Campaign,
        domain.Lead,
        domain.Opportunity,
        domain.Product,
        domain.PriceBookEntry,
        domain.Quote,
        domain.QuoteLine,
        domain.Approval,
        domain.Order,
        domain.Contract,
        domain.Task,
        domain.SupportTicket,
    }
)

# Fields that are not business data: the key itself and the lock counter.
_NOT_AUDITED = frozenset({"id", "version"})
_LOADED = "l2o.loaded_values"
_UNKNOWN = object()


def track_loaded_values(record_class: type[Any]) -> None:
    """Keep a copy of each loaded record's column values (called once per mapped class)."""
    # raw=True: the listeners get the ORM state, which exists even while the object is
    # being expired or garbage-collected.
    sa.event.listen(record_class, "load", _on_load, raw=True)
    sa.event.listen(record_class, "refresh", _on_refresh, raw=True)
    sa.event.listen(record_class, "expire", _on_expire, raw=True)


class AuditLog:
    """Adds audit rows for the changes a session flushes, attributed to ``actor`` via ``source``.

    One per unit of work; ``actor`` (a user id) and ``source`` (``app``, ``api``,
    ``import:salesforce``...) may be changed between operations.
    """

    def __init__(
        self,
        *,
        actor: str | None = None,
        source: str = "app",
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.actor = actor
        self.source = source
        self._clock = clock

    def flag_in_place_changes(self, session: Session) -> None:
        """Mark records whose JSON fields were changed in place, so they are saved and audited."""
        for state in list(session.identity_map.all_states()):
            loaded = state.info.get(_LOADED)
            if loaded is None:
                continue
            for key, value in state.dict.items():
                if isinstance(value, dict | list) and key in loaded and loaded[key] != value:
                    flag_modified(state.obj(), key)

    def before_flush(
        self, session: Session, _context: UOWTransaction, _instances: Iterable[object] | None
    ) -> None:
        """Add the audit rows of what ``session`` is about to flush (its ``before_flush``)."""
        now = self._clock()
        entries: list[AuditEntry] = []
        for record in session.new:
            if type(record) in AUDITED_RECORDS:
                entries.append(self._entry(record, AuditAction.CREATE, now))
        for record in session.dirty:
            if type(record) in AUDITED_RECORDS:
                entries.extend(self._changes(record, now))
        for record in session.deleted:
            if type(record) in AUDITED_RECORDS:
                entries.append(self._entry(record, AuditAction.DELETE, now))
        # What is flushed now is the baseline for any later change in this unit of work.
        for record in (*session.new, *session.dirty):
            state = sa.inspect(record)
            if state.mapper.class_ is not AuditEntry:
                _remember(state, None)
        session.add_all(entries)

    def _changes(self, record: Any, now: datetime) -> list[AuditEntry]:
        state: InstanceState[Any] = sa.inspect(record)
        loaded: dict[str, Any] = state.info.get(_LOADED, {})
        entries = []
        for key in _audited_keys(state):
            if key not in state.dict:  # never loaded nor set: unchanged
                continue
            new = state.dict[key]
            old = loaded.get(key, _UNKNOWN)
            if old is _UNKNOWN:
                # Set after being expired and before being reloaded: ask SQLAlchemy instead.
                history = state.attrs[key].history
                if not history.has_changes():
                    continue
                old = history.deleted[0] if history.deleted else None
            if old == new:
                continue
            entry = self._entry(record, AuditAction.UPDATE, now)
            entry.field = key
            entry.old_value = jsonable(old)
            entry.new_value = jsonable(new)
            entries.append(entry)
        return entries

    def _entry(self, record: Any, action: AuditAction, now: datetime) -> AuditEntry:
        return AuditEntry(
            record_type=type(record).__name__,
            record_id=record.id,
            action=action,
            changed_by=self.actor,
            changed_at=now,
            source=self.source,
        )


def _audited_keys(state: InstanceState[Any]) -> list[str]:
    return [prop.key for prop in state.mapper.column_attrs if prop.key not in _NOT_AUDITED]


def _column_keys(state: InstanceState[Any]) -> list[str]:
    return [prop.key for prop in state.mapper.column_attrs]


def _copy(value: Any) -> Any:
    # A deep, plain copy of JSON data, so later in-place edits do not change the baseline.
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _remember(state: InstanceState[Any], keys: Iterable[str] | None) -> None:
    loaded = state.info.setdefault(_LOADED, {})
    for key in _column_keys(state) if keys is None else keys:
        if key in state.dict:
            loaded[key] = _copy(state.dict[key])


def _on_load(state: InstanceState[Any], _context: object) -> None:
    _remember(state, None)


def _on_refresh(state: InstanceState[Any], _context: object, attrs: Iterable[str] | None) -> None:
    _remember(state, attrs)


def _on_expire(state: InstanceState[Any], attrs: Iterable[str] | None) -> None:
    loaded = state.info.get(_LOADED)
    if loaded is None:
        return
    if attrs is None:
        loaded.clear()
    else:
        for key in attrs:
            loaded.pop(key, None)
