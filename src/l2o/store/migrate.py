"""Creating and upgrading the schema with Alembic, configured in code (no ``alembic.ini``).

The migration scripts ship inside the package (``l2o/store/migrations``), so an installed
L2O can migrate a database without the source tree::

    from_rev, to_rev = upgrade("sqlite:///./l2o-data/l2o.db")

``ensure_current`` is what a unit of work calls before touching data: a database that is
missing tables or behind the code raises ``MigrationError`` telling the user what to run.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection, Engine

from l2o.errors import MigrationError
from l2o.store.engine import connection_error, describe_url, engine_for

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "downgrade",
    "ensure_current",
    "head_revision",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Engines already found at head, so each unit of work does not ask again.
_checked_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` pointing at the packaged scripts (and at ``connection``, if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the code knows: what ``upgrade`` brings a database to."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a migration
        raise MigrationError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(url: str | URL | Engine) -> str | None:
    """The revision the database at ``url`` is at; ``None`` for an empty (un-migrated) one."""
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except sa.exc.DBAPIError as exc:
        raise connection_error(engine.url, exc) from exc
    finally:
        _dispose_if_owned(url, engine)


def upgrade(url: str | URL | Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply migrations up to ``revision``; returns the revisions before and after.

    Running it on a database already at head changes nothing and returns ``(head, head)``.
    """
    return _migrate(url, revision, upgrading=True)


def downgrade(url: str | URL | Engine, revision: str = "base") -> tuple[str | None, str | None]:
    """Undo migrations down to ``revision`` (``base`` drops every table L2O made)."""
    return _migrate(url, revision, upgrading=False)


def ensure_current(engine: Engine) -> None:
    """Raise ``MigrationError`` unless the database at ``engine`` is at the code's head."""
    if engine in _checked_engines:
        return
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        where = describe_url(engine.url)
        state = "has no L2O schema" if current is None else f"is at revision {current}"
        raise MigrationError(
            f"the database {where} {state} but the code needs revision {head}: "
            f"run `l2o db upgrade --db {where}`"
        )
    _checked_engines.add(engine)


def _migrate(
    url: str | URL | Engine, revision: str, *, upgrading: bool
) -> tuple[str | None, str | None]:
    engine = _engine(url)
    _checked_engines.discard(engine)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _set_sqlite_foreign_keys(connection, enabled=False)
            try:
                with connection.begin():
                    before = MigrationContext.configure(connection).get_current_revision()
                    config = alembic_config(connection)
                    if upgrading:
                        command.upgrade(config, revision)
                    else:
                        command.downgrade(config, revision)
                    after = MigrationContext.configure(connection).get_current_revision()
                    if sqlite:
                        _check_sqlite_references(connection)
            finally:
                if sqlite:
                    _set_sqlite_foreign_keys(connection, enabled=True)
        return before, after
    except sa.exc.DBAPIError as exc:
        raise connection_error(engine.url, exc) from exc
    finally:
        _dispose_if_owned(url, engine)


def _set_sqlite_foreign_keys(connection: Connection, *, enabled: bool) -> None:
    # SQLite alters a table by copying it to a new one, dropping the old and renaming the
    # copy. With foreign keys on, dropping a table that other rows point at counts those
    # references as broken, and the commit fails. SQLite's own recipe: switch the checks off
    # outside the transaction, migrate, verify every reference, switch them back on.
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    connection.commit()


def _check_sqlite_references(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, target = broken[0][:3]
        raise MigrationError(
            f"the migration would leave {len(broken)} reference(s) to missing records, "
            f"e.g. {table} row {rowid} -> {target}"
        )


def _engine(url: str | URL | Engine) -> Engine:
    return url if isinstance(url, Engine) else engine_for(url)


def _dispose_if_owned(url: str | URL | Engine, engine: Engine) -> None:
    # An engine made here for a URL is ours to close; one passed in belongs to the caller.
    if not isinstance(url, Engine):
        engine.dispose()
