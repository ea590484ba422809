"""Connecting to the store: one ``Engine`` per database URL, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from l2o.errors import SettingsError, StoreError

__all__ = ["describe_url", "engine_for"]


def engine_for(url: str | URL) -> Engine:
    """An engine for the store at ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    For a SQLite file the parent directory is created, so the default
    ``sqlite:///./l2o-data/l2o.db`` works on a fresh checkout, and foreign keys are switched on
    for every connection (SQLite leaves them off by default). A SQLite file is kept in WAL mode
    with ``synchronous=NORMAL``: readers do not block the writer, and a commit costs no fsync
    (an application crash loses nothing; a power cut may lose the last commits, never the
    file's consistency). Nothing connects until first use.

    >>> engine_for("sqlite://").dialect.name
    'sqlite'
    """
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise SettingsError(f"database URL {describe_url(url)!r} is not valid: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        _create_sqlite_directory(parsed)
    try:
        engine = sa.create_engine(parsed)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise SettingsError(f"database URL {describe_url(parsed)!r} cannot be used: {exc}") from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _configure_sqlite)
    else:
        _ping_when_idle(engine)
    return engine


def describe_url(url: str | URL) -> str:
    """``url`` with any password hidden, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        # Unparseable: still hide whatever sits between "user:" and "@".
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(url))


def connection_error(url: str | URL, exc: sa.exc.DBAPIError) -> StoreError:
    """A one-line ``StoreError`` for a database that could not be reached or used."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    return StoreError(f"cannot use the database {describe_url(url)}: {reason}")


#: SQLite's page cache per connection, in KiB (allocated as pages are read, not up front).
SQLITE_CACHE_KIB = 262_144


def _create_sqlite_directory(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the directory for {database}: {exc}") from exc


#: A pooled server connection left unused this long (seconds) is checked before reuse.
IDLE_BEFORE_PING = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before handing it out, if it sat unused long enough for the
    server or the network to have dropped it (a failed check replaces it with a new one).

    SQLAlchemy's ``pool_pre_ping`` checks on every checkout: one more round trip for each
    unit of work, a tenth of a small one's time on a busy server. A connection back in use
    within ``IDLE_BEFORE_PING`` seconds is not checked; one that fails anyway (the server
    restarted) fails its unit of work, and the pool then replaces every connection.
    """

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError(f"a pooled connection was dropped: {exc}") from exc

    sa.event.listen(engine, "checkin", checked_in)
    sa.event.listen(engine, "checkout", checked_out)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL is a property of the file (in-memory databases answer "memory" and stay as they are).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Up to 256 MiB of pages per connection (SQLite's default is 2 MiB): a million-row table's
    # indexes stay in memory while a batch inserts into them instead of being re-read per row.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()
