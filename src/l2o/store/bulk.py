"""Writing many records at once: chunked SQLAlchemy Core statements, audited like the ORM.

The ORM's one-object-at-a-time flush is right for a use case that touches a few records
and far too slow for an import of a million. ``BulkWriter`` is the one way to write many
rows: it works on the connection of the caller's transaction (a unit of work), so the rows,
their audit entries and the import's bookkeeping commit or roll back together.

- ``existing`` fetches stored rows by ``(source_system, source_id)`` (or by id), many per
  query, so an importer can upsert: insert what is new, compare what exists.
- ``insert`` adds rows with ``executemany``; audited records get one ``create`` audit row.
- ``update`` writes only the columns whose value really changed, raises ``version`` on
  versioned records, and adds one ``update`` audit row per changed field (old and new value,
  as the unit of work's audit log does). A row with no change is not written at all.
- ``rows_where_any`` and ``look_up`` read rows by any of several columns (several reads in
  one round trip on a server); ``fill_in`` sets values on rows the same transaction
  inserted, which their ``create`` audit rows stand for.

::

    with SqlAlchemyUnitOfWork(engine, source="import:hubspot") as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        stored = writer.existing("leads", "hubspot", ["101", "102"])
        writer.insert("leads", [new_row])
        writer.update("leads", [(stored["101"], {"email": "ana@acme.com"})])
        uow.commit()
"""

from __future__ import annotations

import functools
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from l2o.domain import AuditAction, jsonable, new_id, utc_now
from l2o.domain.base import new_ids
from l2o.errors import StaleRecord, StoreError
from l2o.store.audit import AUDITED_RECORDS
from l2o.store.mapping import mapper_registry, start_mappers
from l2o.store.schema import metadata
from l2o.store.types import UTCDateTime
from l2o.store.unit_of_work import SqlAlchemyUnitOfWork

__all__ = ["BulkWriter", "LookUp"]

#: The C JSON encoder ``json.dumps`` uses (``None`` on a Python without it).
_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
#: Ids per ``IN (...)`` query: well under every backend's limit on bound parameters.
LOOKUP_CHUNK = 2_000
#: Past this many ids, ``masters`` reads every merged row once instead of the ids in chunks.
MERGED_SCAN_IDS = 50_000
#: Rows per ``executemany`` call.
WRITE_CHUNK = 5_000
#: At most this many values looked up at once, a row look-up goes by a statement compiled
#: once per number of values (more, by SQLAlchemy's expanding parameters).
FEW_VALUES = 64

T = TypeVar("T")

_NOT_COMPARED = frozenset({"id", "version", "source_system", "source_id"})


@dataclass(frozen=True)
class LookUp:
    """What :meth:`BulkWriter.rows_where_any` reads: the rows of ``table_name`` whose value
    in any column of ``matches`` is one of that column's values (``columns`` of them, every
    column without), locked with ``lock``."""

    table_name: str
    matches: Mapping[str, Collection[Any]]
    columns: Sequence[str] | None = None
    lock: bool = False


@dataclass(frozen=True)
class _Sent:
    """A look-up sent, or ready to be: ``rows()`` fetches its rows; ``close()`` afterwards."""

    rows: Callable[[], list[dict[str, Any]]]
    close: Callable[[], None] = lambda: None


class BulkWriter:
    """Bulk reads and writes on one open transaction, with audit rows for audited records.

    ``actor`` and ``source`` are written on every audit row (``source`` e.g.
    ``import:salesforce``).
    """

    def __init__(
        self,
        connection: Connection,
        *,
        actor: str | None = None,
        source: str = "import",
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.connection = connection
        self.actor = actor
        self.source = source
        self._clock = clock
        self._record_names, self._audited = _record_tables()
        self._pipeline: Any = None  # psycopg's pipeline, inside ``together``
        self._writes: Any = None  # the driver's cursor the writes are sent with

    @classmethod
    def for_unit_of_work(cls, uow: SqlAlchemyUnitOfWork) -> BulkWriter:
        """A writer on ``uow``'s transaction, auditing as ``uow`` does (actor and source)."""
        return cls(uow.session.connection(), actor=uow.audit_log.actor, source=uow.audit_log.source)

    # -- what the store holds -------------------------------------------------------------

    @staticmethod
    def has_table(table_name: str) -> bool:
        """Whether the store has a table of records called ``table_name``."""
        return table_name in metadata.tables

    @staticmethod
    def text_limits(table_name: str) -> dict[str, int]:
        """The longest text each column of ``table_name`` holds, for checks before writing."""
        table = metadata.tables[table_name]
        return {
            column.name: column.type.length
            for column in table.columns
            if isinstance(column.type, sa.String) and column.type.length
        }

    @staticmethod
    def has_source_key(table_name: str) -> bool:
        """Whether records of ``table_name`` carry ``source_system`` and ``source_id``."""
        columns = metadata.tables[table_name].columns
        return "source_id" in columns and "source_system" in columns

    def existing(
        self, table_name: str, source_system: str, source_ids: Iterable[str]
    ) -> dict[str, dict[str, Any]]:
        """Stored rows of ``table_name`` from ``source_system``, keyed by source id."""
        table = metadata.tables[table_name]
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(dict.fromkeys(source_ids)), LOOKUP_CHUNK):
            query = sa.select(table).where(
                table.c.source_system == source_system, table.c.source_id.in_(chunk)
            )
            for row in self.connection.execute(query).mappings():
                found[row["source_id"]] = dict(row)
        return found

    def holds_any(self, table_name: str, source_system: str) -> bool:
        """Whether ``table_name`` holds any row from ``source_system`` (any row at all, for
        a table without source columns)."""
        table = metadata.tables[table_name]
        query = sa.select(table.c.id).limit(1)
        if "source_system" in table.columns:
            query = query.where(table.c.source_system == source_system)
        return self.connection.execute(query).first() is not None

    def existing_by_id(self, table_name: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored rows of ``table_name`` keyed by id."""
        table = metadata.tables[table_name]
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), LOOKUP_CHUNK):
            for row in self.connection.execute(
                sa.select(table).where(table.c.id.in_(chunk))
            ).mappings():
                found[row["id"]] = dict(row)
        return found

    def ids_by_source(
        self, table_name: str, source_system: str, source_ids: Iterable[str]
    ) -> dict[str, str]:
        """Store ids of ``table_name`` records from ``source_system``, keyed by source id.

        A record merged into another resolves to the record it was merged into, so what
        refers to a duplicate lands on the master.
        """
        table = metadata.tables[table_name]
        target = _live_id(table)
        found: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(source_ids)), LOOKUP_CHUNK):
            query = sa.select(table.c.source_id, target).where(
                table.c.source_system == source_system, table.c.source_id.in_(chunk)
            )
            found.update((str(s), str(i)) for s, i in self.connection.execute(query))
        return found

    def masters(self, table_name: str, ids: Iterable[str]) -> dict[str, str]:
        """For those of ``ids`` merged into another record: id -> the record kept."""
        table = metadata.tables[table_name]
        if "merged_into_id" not in table.columns:
            return {}
        wanted = list(dict.fromkeys(ids))
        found: dict[str, str] = {}
        if len(wanted) > MERGED_SCAN_IDS:
            # Many ids (an import's million leads): one pass over the merged rows (indexed),
            # kept where wanted, instead of a query per 2,000 ids.
            every = set(wanted)
            query = sa.select(table.c.id, table.c.merged_into_id).where(
                table.c.merged_into_id.is_not(None)
            )
            found.update((str(i), str(m)) for i, m in self.connection.execute(query) if i in every)
            return found
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            query = sa.select(table.c.id, table.c.merged_into_id).where(
                table.c.id.in_(chunk), table.c.merged_into_id.is_not(None)
            )
            found.update((str(i), str(m)) for i, m in self.connection.execute(query))
        return found

    def rows_where_any(
        self,
        table_name: str,
        matches: Mapping[str, Collection[Any]],
        columns: Sequence[str] | None = None,
        *,
        lock: bool = False,
    ) -> list[dict[str, Any]]:
        """Stored rows of ``table_name`` whose value in any column of ``matches`` is one of
        that column's values (``columns`` of them, every column without), oldest first (by
        ``created_at`` then ``id``, as a repository lists them) - one query, read without
        the ORM. With ``lock``, the rows are locked until the transaction ends (``FOR
        UPDATE`` on a server; SQLite has one writer at a time anyway)."""
        return self.look_up(LookUp(table_name, matches, columns, lock=lock))[0]

    def look_up(self, *look_ups: LookUp) -> list[list[dict[str, Any]]]:
        """The rows each of ``look_ups`` finds, as :meth:`rows_where_any` reads them, the
        queries sent together: on a server in one round trip (which starts the transaction,
        if it starts here) when each looks up a few values (else one after the other)."""
        sent: list[_Sent] = []
        try:
            with self.together():
                sent.extend(self._sent_look_up(look_up) for look_up in look_ups)
            return [each.rows() for each in sent]
        finally:
            for each in sent:
                each.close()

    def _sent_look_up(self, look_up: LookUp) -> _Sent:
        """``look_up``'s query sent (a few values) or ready to be sent when its rows are
        fetched (more: SQLAlchemy's expanding parameters)."""
        wanted = {name: sorted(set(values)) for name, values in look_up.matches.items() if values}
        names = tuple(look_up.columns) if look_up.columns is not None else None
        table = metadata.tables[look_up.table_name]
        matched = tuple(sorted(wanted))
        if wanted and sum(map(len, wanted.values())) <= FEW_VALUES:
            return self._sent_few(table, wanted, matched, names, look_up.lock)

        def rows() -> list[dict[str, Any]]:
            if not wanted:
                return []
            statement = _select_where_any(table, matched, names, look_up.lock)
            params = {f"_{name}": values for name, values in wanted.items()}
            return [dict(row) for row in self.connection.execute(statement, params).mappings()]

        return _Sent(rows)

    @contextmanager
    def _cursor(self, sql: str, params: Any) -> Iterator[Any]:
        """The driver's own cursor on the transaction's connection, for a write compiled here
        and sent with ``params``: SQLAlchemy's result, for a statement it did not compile,
        rebuilds the description of its columns each time. One cursor serves every write
        (made at the first): a write's rows are never read, only its row count, at once. A
        failure is raised as SQLAlchemy's error for it (``IntegrityError``...), as through
        SQLAlchemy."""
        if self._writes is None:
            self._writes = self.connection.connection.cursor()
        with self._driver_errors(sql, params):
            yield self._writes

    @contextmanager
    def _driver_errors(self, sql: str | None = None, params: Any = None) -> Iterator[None]:
        """The driver's errors inside raised as SQLAlchemy's error for them
        (``IntegrityError``...), as SQLAlchemy raises them for the statements it sends."""
        dbapi = self.connection.dialect.loaded_dbapi
        try:
            yield
        except dbapi.Error as exc:
            raise sa.exc.DBAPIError.instance(sql, params, exc, dbapi.Error) from exc

    def _sent_few(
        self,
        table: sa.Table,
        wanted: dict[str, list[Any]],
        matched: tuple[str, ...],
        columns: tuple[str, ...] | None,
        lock: bool,
    ) -> _Sent:
        """A look-up of a few values sent: the ``SELECT`` compiled once per table, columns
        and number of values, sent to the driver as it is and its values turned into
        Python's as SQLAlchemy's result would turn them - without the statement being
        compiled again for its values and the result's machinery, which cost more than
        SQLite's look-up itself."""
        dialect = self.connection.dialect
        counts = tuple(len(wanted[name]) for name in matched)
        sql, order, binds, selected = _compiled_select(
            table, matched, counts, columns, lock, dialect
        )
        values = [
            value if bind is None else bind(value)
            for name, bind in zip(matched, binds, strict=True)
            for value in wanted[name]
        ]
        params: Any = tuple(values) if order is None else dict(zip(order, values, strict=True))
        cursor = self.connection.connection.cursor()
        try:
            with self._driver_errors(sql, params):
                cursor.execute(sql, params)
        except BaseException:
            cursor.close()
            raise

        def rows() -> list[dict[str, Any]]:
            with self._driver_errors(sql, params):
                rows = cursor.fetchall()  # first: in a pipeline, the columns come with the rows
                if not rows:  # the columns' description is not made: for a wide table it
                    return []  # costs more than the look-up
                codes = tuple(entry[1] for entry in cursor.description)
            processors = _result_processors(table, selected, dialect, codes)
            return [
                {
                    name: value if process is None else process(value)
                    for name, value, process in zip(selected, row, processors, strict=True)
                }
                for row in rows
            ]

        return _Sent(rows, cursor.close)

    def write_versioned(
        self,
        table_name: str,
        record_id: str,
        version: int | None,
        values: Mapping[str, Any],
        *,
        locked: bool = False,
    ) -> None:
        """Write ``values`` on the versioned record ``record_id`` as the unit of work writes
        it: read at ``version``, its row is updated and its version raised only if still at
        that version; never read (``version`` is ``None``), it is inserted at version 1.
        ``StaleRecord`` when someone else wrote it meanwhile - a newer version, or the row
        inserted first - so the caller starts again from what is stored. Not audited: for
        records the audit log does not cover (the routing state).

        ``locked``: the row was read with ``rows_where_any(..., lock=True)`` in this
        transaction. On a server that is a row lock - no one can have written the row since
        - so the update is sent without waiting for its row count, and may go inside
        :meth:`together`. On SQLite, which has no row locks, it is checked as without."""
        table = metadata.tables[table_name]
        if table_name in self._audited or "version" not in table.columns:
            raise StoreError(f"{table_name} is not an unaudited versioned table")
        stale = StaleRecord(self._record_names.get(table_name, table_name), record_id, version or 0)
        if version is None:
            try:  # the transaction is left for the caller to roll back
                self.insert(table_name, [{**values, "id": record_id}])
                self._sync()  # in a pipeline, the insert's outcome is waited for here
            except sa.exc.IntegrityError as exc:
                raise stale from exc
            return
        dialect = self.connection.dialect
        sql, order, processors, positional = _compiled_update(
            table, tuple(sorted(values)), dialect, versioned=True
        )
        given = {**values, "_id": record_id, "_version": version}
        sent = [
            given[name] if processors[name] is None else processors[name](given[name])  # type: ignore[misc]
            for name in order
        ]
        params: Any = tuple(sent) if positional else dict(zip(order, sent, strict=True))
        with self._cursor(sql, params) as cursor:
            cursor.execute(sql, params)
            if locked and _row_locks(dialect):
                return
            if cursor.rowcount != 1:
                raise stale

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def together(self) -> Iterator[None]:
        """Send the statements made inside to the server together.

        On PostgreSQL they are sent as they come without waiting for their answers
        (psycopg's pipeline mode), which are waited for only where a read needs its rows and
        when the block ends: a small batch's four inserts and its commit spend most of their
        time waiting for the server otherwise. A write that fails raises at the next of
        those points, as SQLAlchemy's error for it (``IntegrityError``...). Nothing inside
        may need a write's row count (:meth:`write_versioned` waits for its own outcome,
        unless its row is ``locked``), nor may the session commit inside: it lets its
        connection go at a commit, still in pipeline mode (:meth:`commit_queued` commits
        with the writes instead). On SQLite, in-process, each statement is made as it comes.
        Inside another such block, this one is part of it (the outer block's end waits).
        """
        driver: Any = self.connection.connection.driver_connection
        if (
            self._pipeline is not None
            or self.connection.dialect.name != "postgresql"
            or not hasattr(driver, "pipeline")
        ):
            yield
            return
        try:
            with self._driver_errors(), driver.pipeline() as pipeline:
                self._pipeline = pipeline
                yield
        finally:
            self._pipeline = None

    def commit_queued(self) -> None:
        """Inside :meth:`together` on a server: commit the transaction with the writes queued,
        in their round trip. The unit of work is still committed afterwards, as ever; its
        commit then has nothing left to send. Elsewhere nothing: that commit commits."""
        if self._pipeline is not None:
            # A statement, not the driver's commit(): that would wait for its answer at
            # once; this one is waited for with the rest as the block ends.
            with self._cursor("COMMIT", None) as cursor:
                cursor.execute("COMMIT")

    def _sync(self) -> None:
        """Inside :meth:`together` on a server: wait for the outcome of what is queued."""
        if self._pipeline is not None:
            with self._driver_errors():
                self._pipeline.sync()

    def insert(
        self,
        table_name: str,
        rows: Sequence[Mapping[str, Any]],
        *,
        columns: Sequence[str] | None = None,
        constants: Mapping[str, Any] | None = None,
    ) -> int:
        """Insert ``rows`` (every column given, ``id`` included); returns how many.

        ``columns`` names the keys of each row to write (all of the first row's without);
        ``constants`` are columns with the same value on every row, given once. Versioned
        records start at version 1, as the unit of work's first write does.
        """
        if not rows:
            return 0
        return self.insert_columns(
            table_name, _columns(rows, columns), len(rows), constants=constants
        )

    def insert_columns(
        self,
        table_name: str,
        columns: Mapping[str, Sequence[Any]],
        count: int,
        *,
        constants: Mapping[str, Any] | None = None,
    ) -> int:
        """Insert ``count`` rows given column by column (``id`` among them), as :meth:`insert`
        does; returns ``count``."""
        if not count:
            return 0
        table = metadata.tables[table_name]
        fixed = {**(constants or {}), **({"version": 1} if "version" in table.columns else {})}
        self._insert_columns(table, columns, count, fixed)
        if table_name in self._audited:
            self._audit_created(table_name, columns["id"])
        return count

    def update(
        self,
        table_name: str,
        changes: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
    ) -> int:
        """Apply ``(stored_row, new_values)`` pairs; returns how many rows really changed.

        Only columns in ``new_values`` whose value differs from the stored one are written,
        each with its audit row; equal values (``Decimal("1.5")`` and ``Decimal("1.50")``,
        the same instant in two zones) are not changes.
        """
        table = metadata.tables[table_name]
        versioned = "version" in table.columns
        audited = table_name in self._audited
        now = self._clock()
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        audit_rows: list[dict[str, Any]] = []
        for stored, values in changes:
            changed = {
                name: value
                for name, value in values.items()
                if name not in _NOT_COMPARED and name in table.columns and stored[name] != value
            }
            if not changed:
                continue
            by_columns[tuple(sorted(changed))].append({"_id": stored["id"], **changed})
            if audited:
                for name, value in changed.items():
                    entry = self._audit_row(table_name, stored["id"], AuditAction.UPDATE, now)
                    entry.update(
                        field=name, old_value=jsonable(stored[name]), new_value=jsonable(value)
                    )
                    audit_rows.append(entry)
        for columns, rows in by_columns.items():
            assignments: dict[str, Any] = {name: sa.bindparam(name) for name in columns}
            if versioned:
                assignments["version"] = table.c.version + 1
            statement = table.update().where(table.c.id == sa.bindparam("_id")).values(assignments)
            for chunk in _chunks(rows, WRITE_CHUNK):
                self.connection.execute(statement, chunk)
        self._audit(audit_rows)
        return sum(len(rows) for rows in by_columns.values())

    def fill_in(self, table_name: str, changes: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Set the ``values`` of each ``(record_id, values)`` pair on a row this transaction
        inserted: one ``executemany`` per set of columns, neither audited nor versioned - the
        row's ``create`` audit entry and version 1 stand for what it holds at the commit, as
        for a record the unit of work makes and changes before it is flushed."""
        table = metadata.tables[table_name]
        dialect = self.connection.dialect
        by_columns: dict[tuple[str, ...], list[Mapping[str, Any]]] = defaultdict(list)
        for record_id, values in changes:
            if values:
                by_columns[tuple(sorted(values))].append({**values, "_id": record_id})
        for names, given in by_columns.items():
            sql, order, processors, positional = _compiled_update(
                table, names, dialect, versioned=False
            )
            rows: list[Any] = [
                tuple(
                    row[name] if processors[name] is None else processors[name](row[name])  # type: ignore[misc]
                    for name in order
                )
                for row in given
            ]
            if not positional:  # named parameters (psycopg's ``%(name)s``)
                rows = [dict(zip(order, row, strict=True)) for row in rows]
            with self._cursor(sql, rows) as cursor:
                cursor.executemany(sql, rows)

    def append(
        self,
        table_name: str,
        rows: Sequence[Mapping[str, Any]],
        *,
        columns: Sequence[str] | None = None,
    ) -> int:
        """Insert bookkeeping rows (quarantined rows, history) without audit rows; ``columns``
        names the keys of each row to write (all of the first row's without)."""
        if rows:
            table = metadata.tables[table_name]
            self._insert_columns(table, _columns(rows, columns), len(rows), {})
        return len(rows)

    def _insert_columns(
        self,
        table: sa.Table,
        columns: Mapping[str, Sequence[Any]],
        count: int,
        constants: Mapping[str, Any],
    ) -> None:
        """``INSERT`` ``count`` rows given column by column (plus ``constants``, the same
        value on every row) in ``executemany`` chunks.

        The parameters are built column by column - each column's bind processor
        (``UTCDateTime``, ``TextEnum``, JSON...) mapped over its values once, a constant
        processed once - and handed to the driver's ``executemany`` with the statement
        compiled once: the same values Core would send, without Core's per-row parameter
        processing, which costs more than SQLite's insert itself (and, on PostgreSQL, about
        what psycopg's sending does).
        """
        if not count:
            return
        dialect = self.connection.dialect
        # A column that is empty on every row is written as a literal NULL, not sent once per
        # row: SQLite's driver looks up an adapter for every ``None`` it binds, which costs
        # more than storing the value.
        nulls = (
            *(name for name, values in columns.items() if _all_none(values)),
            *(name for name, value in constants.items() if value is None),
        )
        nulls = tuple(name for name in nulls if _null_literal(table, name, dialect))
        if nulls:
            columns = {name: values for name, values in columns.items() if name not in nulls}
            constants = {name: value for name, value in constants.items() if name not in nulls}
        names = (*columns, *constants)
        compiled = _compiled_insert(table, names, dialect, nulls)
        if compiled is None:  # Core's path: it names a column the table lacks
            for start in range(0, count, WRITE_CHUNK):
                stop = min(start + WRITE_CHUNK, count)
                chunk = [
                    {
                        **{name: values[i] for name, values in columns.items()},
                        **constants,
                        **dict.fromkeys(nulls),
                    }
                    for i in range(start, stop)
                ]
                self.connection.execute(table.insert(), chunk)
            return
        sql, order, processors, positional = compiled
        fixed = {
            name: value if processors[name] is None else processors[name](value)  # type: ignore[misc]
            for name, value in constants.items()
        }
        for start in range(0, count, WRITE_CHUNK):
            stop = min(start + WRITE_CHUNK, count)
            params: list[Sequence[Any]] = []
            for name in order:
                if name in fixed:
                    params.append([fixed[name]] * (stop - start))
                    continue
                values = columns[name][start:stop]
                process = processors[name]
                params.append(values if process is None else list(map(process, values)))
            rows: list[Any] = list(zip(*params, strict=True))
            if not positional:  # named parameters (psycopg's ``%(name)s``)
                rows = [dict(zip(order, row, strict=True)) for row in rows]
            with self._cursor(sql, rows) as cursor:
                cursor.executemany(sql, rows)

    def _audit_created(self, table_name: str, record_ids: Sequence[str]) -> None:
        """One ``create`` audit row per record, written column by column."""
        entry = self._audit_row(table_name, "", AuditAction.CREATE, self._clock())
        del entry["id"], entry["record_id"]
        ids = {"id": new_ids(len(record_ids)), "record_id": list(record_ids)}
        self._insert_columns(metadata.tables["audit_log"], ids, len(record_ids), entry)

    def _audit_row(
        self, table_name: str, record_id: str, action: AuditAction, now: datetime
    ) -> dict[str, Any]:
        return {
            "id": new_id(),
            "record_type": self._record_names.get(table_name, table_name),
            "record_id": record_id,
            "action": action,
            "field": None,
            "old_value": None,
            "new_value": None,
            "changed_by": self.actor,
            "changed_at": now,
            "source": self.source,
        }

    def _audit(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.append("audit_log", rows)


def sqlite_bind_processor(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The function that turns a value into what SQLite is sent for ``column_type``.

    SQLAlchemy's own bind processor, except for the three kinds every record has many of:
    a UTC ``datetime`` becomes SQLAlchemy's text (naive UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``)
    and a ``date`` its ``YYYY-MM-DD``, each by one C call instead of Python formatting; a
    JSON dict or list becomes the text ``json.dumps`` makes of it (``{}`` and ``[]`` as they
    are, others by the C encoder called directly, without ``json.dumps``' layers). Any other
    value (another zone, a naive datetime, which is refused; a JSON ``None`` or text; a value
    JSON cannot hold) takes SQLAlchemy's path. Tests hold the two paths equal.
    """
    slow: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).bind_processor(dialect)
    if slow is None:
        return None
    if _plain_json(column_type, dialect):
        return _json_text(slow)
    if isinstance(column_type, UTCDateTime):

        def utc_text(value: Any) -> Any:
            if value is None:
                return None
            if value.tzinfo is UTC:
                # Its ISO text without the "+00:00": one C call, no copy of the ``datetime``.
                return _isoformat(value, " ", "microseconds")[:26]
            return slow(value)

        return utc_text
    if type(column_type) is sa.Date:

        def date_text(value: Any) -> Any:
            if type(value) is date:
                return value.isoformat()
            return slow(value)

        return date_text
    return slow


_isoformat = datetime.isoformat


def _plain_json(column_type: Any, dialect: Any) -> bool:
    """Whether ``column_type`` is JSON sent as the text ``json.dumps`` makes (no serializer
    or string type of the store's own), so :func:`_json_text` may make it."""
    return (
        type(column_type) is sa.JSON
        and dialect._json_serializer in (None, json.dumps)
        and column_type._str_impl.bind_processor(dialect) is None
        and _C_ENCODER is not None
    )


def _json_text(slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The JSON bind processor's text for dicts and lists, as ``json.dumps`` writes it (its
    default separators, ASCII only, NaN allowed); anything else, or a value the encoder
    refuses, goes to ``slow`` (SQLAlchemy's processor), which also raises as it would."""
    defaults = json.JSONEncoder()
    encode = _C_ENCODER(
        None,  # no circular check: a circular value fails below and ``slow`` says why
        defaults.default,
        json.encoder.encode_basestring_ascii,
        None,
        defaults.key_separator,
        defaults.item_separator,
        False,
        False,
        True,
    )

    def json_text(value: Any) -> Any:
        kind = type(value)
        if kind is dict or kind is list:
            if not value:
                return "{}" if kind is dict else "[]"
            try:
                return "".join(encode(value, 0))
            except (TypeError, ValueError, RecursionError):
                pass
        return slow(value)

    return json_text


def _columns(
    rows: Sequence[Mapping[str, Any]], names: Sequence[str] | None = None
) -> dict[str, Sequence[Any]]:
    """``rows`` (each with the same keys) as one sequence of values per key (of ``names``):
    each row's values taken at once and the rows turned into columns, in C."""
    keys = tuple(rows[0] if names is None else names)
    if len(keys) == 1:  # one key: ``itemgetter`` gives the value itself, not a tuple of one
        return {keys[0]: [row[keys[0]] for row in rows]}
    return dict(zip(keys, zip(*map(operator.itemgetter(*keys), rows), strict=True), strict=True))


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _live_id(table: sa.Table) -> sa.ColumnElement[Any]:
    """The id a reference to a row of ``table`` should hold: the master's, if it was merged."""
    if "merged_into_id" in table.columns:
        return sa.func.coalesce(table.c.merged_into_id, table.c.id)
    return table.c.id


@functools.lru_cache(maxsize=512)
def _compiled_insert(
    table: sa.Table, names: tuple[str, ...], dialect: Dialect, nulls: tuple[str, ...] = ()
) -> tuple[str, tuple[str, ...], dict[str, Callable[[Any], Any] | None], bool] | None:
    """The ``INSERT`` of ``names`` (and of ``nulls``, as literal NULLs) into ``table``
    compiled for ``dialect``: its SQL, its parameters' order, each column's bind processor
    and whether the parameters go as tuples (positional) or as mappings - compiled once per
    table, column sets and dialect (compiling costs milliseconds; a small batch is written
    in less). ``None`` when a name is no column of ``table`` (or its parameter is named
    otherwise)."""
    if not set(names) | set(nulls) <= set(table.columns.keys()):
        return None
    statement = (
        table.insert().values({name: sa.null() for name in nulls}) if nulls else table.insert()
    )
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    order = tuple(compiled.positiontup or ()) if compiled.positional else names
    if set(order) != set(names):
        return None
    processors = {name: _sent_processor(table.c[name].type, dialect) for name in order}
    return compiled.string, order, processors, compiled.positional


def _all_none(values: Sequence[Any]) -> bool:
    """Whether every one of ``values`` is ``None`` (the first looked at alone, as it usually
    settles it)."""
    return values[0] is None and values.count(None) == len(values)


@functools.lru_cache(maxsize=1024)
def _null_literal(table: sa.Table, name: str, dialect: Dialect) -> bool:
    """Whether ``None`` in ``table``'s column ``name`` is stored as SQL NULL (as a literal
    NULL may stand for it) - not, say, a JSON column's ``null``."""
    if name not in table.columns:
        return False
    process = _bind_processor(table.c[name].type, dialect)
    return process is None or process(None) is None


def _sent_processor(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """What turns a value of ``column_type`` into what the driver is sent on ``dialect``:
    the quicker one for SQLite's driver (:func:`sqlite_bind_processor`), else SQLAlchemy's -
    but a JSON dict or list goes as its text there too (:func:`_json_text`): the text
    psycopg's JSON adapter would send, made without ``json.dumps``' layers, and sent with
    no stated type, so the server reads it as its column's."""
    if dialect.name == "sqlite":
        return sqlite_bind_processor(column_type, dialect)
    slow = _bind_processor(column_type, dialect)
    if slow is not None and _plain_json(column_type, dialect):
        return _json_text(slow)
    return slow


def _bind_processor(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """SQLAlchemy's own bind processor of ``column_type`` on ``dialect``."""
    processor: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).bind_processor(
        dialect
    )
    return processor


@functools.cache
def _record_tables() -> tuple[dict[str, str], frozenset[str]]:
    """Each mapped table's record class name, and the tables of audited records (the
    mapping never changes once made: worked out once, not per writer)."""
    start_mappers()
    tables = [
        (mapper.local_table.name, mapper.class_)
        for mapper in mapper_registry.mappers
        if isinstance(mapper.local_table, sa.Table)
    ]
    names = {name: record_class.__name__ for name, record_class in tables}
    return names, frozenset(
        name for name, record_class in tables if record_class in AUDITED_RECORDS
    )


@functools.lru_cache(maxsize=128)
def _select_where_any(
    table: sa.Table,
    matched: tuple[str, ...],
    columns: tuple[str, ...] | None,
    lock: bool = False,
    counts: tuple[int, ...] | None = None,
) -> sa.Select[Any]:
    """``SELECT`` of ``table``'s rows with ``column IN (:_column)`` for any of ``matched``
    (expanding parameters; with ``counts``, ``counts[i]`` parameters ``_column_0``... for
    ``matched[i]``), built once per table, column sets and counts."""
    selected = [table.c[name] for name in columns] if columns is not None else [table]
    order = [table.c[name] for name in ("created_at", "id") if name in table.c]
    condition = sa.or_(
        *(
            table.c[name].in_(
                sa.bindparam(f"_{name}", expanding=True)
                if counts is None
                else [sa.bindparam(f"_{name}_{i}") for i in range(counts[at])]
            )
            for at, name in enumerate(matched)
        )
    )
    statement = sa.select(*selected).where(condition).order_by(*order)
    return statement.with_for_update() if lock else statement


@functools.lru_cache(maxsize=512)
def _compiled_select(
    table: sa.Table,
    matched: tuple[str, ...],
    counts: tuple[int, ...],
    columns: tuple[str, ...] | None,
    lock: bool,
    dialect: Dialect,
) -> tuple[str, tuple[str, ...] | None, tuple[Callable[[Any], Any] | None, ...], tuple[str, ...]]:
    """:func:`_select_where_any` with ``counts[i]`` values for ``matched[i]``, compiled for
    ``dialect``: its SQL, the names of its parameters in the order the values go (``None``
    where they go by position), each matched column's bind processor and the columns it
    selects, in order."""
    selected = columns if columns is not None else tuple(table.columns.keys())
    compiled = _select_where_any(table, matched, columns, lock, counts).compile(dialect=dialect)
    names = tuple(
        f"_{name}_{i}" for name, count in zip(matched, counts, strict=True) for i in range(count)
    )
    binds = tuple(_sent_processor(table.c[name].type, dialect) for name in matched)
    if compiled.positional:
        if tuple(compiled.positiontup or ()) != names:
            raise StoreError(f"unexpected parameter order in a look-up of {table.name}")
        return compiled.string, None, binds, selected
    return compiled.string, names, binds, selected


@functools.lru_cache(maxsize=512)
def _result_processors(
    table: sa.Table, selected: tuple[str, ...], dialect: Dialect, codes: tuple[Any, ...]
) -> tuple[Callable[[Any], Any] | None, ...]:
    """SQLAlchemy's own result processor of each ``selected`` column of ``table`` on
    ``dialect``, for the values the driver describes with ``codes``."""
    return tuple(
        table.c[name].type.dialect_impl(dialect).result_processor(dialect, code)
        for name, code in zip(selected, codes, strict=True)
    )


def _row_locks(dialect: Dialect) -> bool:
    """Whether ``SELECT ... FOR UPDATE`` locks rows on ``dialect`` (SQLite leaves it out)."""
    return dialect.name != "sqlite"


@functools.lru_cache(maxsize=128)
def _compiled_update(
    table: sa.Table, names: tuple[str, ...], dialect: Dialect, versioned: bool
) -> tuple[str, tuple[str, ...], dict[str, Callable[[Any], Any] | None], bool]:
    """``UPDATE`` of ``names`` on the row with ``_id`` - ``versioned``: also ``version + 1``,
    only if still at ``_version`` - compiled once per table, column set and dialect: its SQL,
    its parameters' order, each one's bind processor and whether they go by position."""
    assignments: dict[str, Any] = {name: sa.bindparam(name) for name in names}
    where = [table.c.id == sa.bindparam("_id")]
    keys = {*names, "_id"}
    if versioned:
        assignments["version"] = table.c.version + sa.literal_column("1")
        where.append(table.c.version == sa.bindparam("_version"))
        keys.add("_version")
    compiled = table.update().where(*where).values(assignments).compile(dialect=dialect)
    if set(compiled.binds) != keys:
        raise StoreError(f"unexpected parameters in an update of {table.name}")
    order = (
        tuple(compiled.positiontup or ())
        if compiled.positional
        else (*names, "_id", *(("_version",) if versioned else ()))
    )
    types = {**{name: table.c[name].type for name in names}, "_id": table.c.id.type}
    processors = {
        name: _sent_processor(types[name], dialect) if name in types else None for name in order
    }
    return compiled.string, order, processors, compiled.positional
