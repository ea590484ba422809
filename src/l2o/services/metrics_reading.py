"""Reading the store for metrics: the store's tables as Ibis tables on a chosen backend.

The metrics in :mod:`l2o.analytics.metrics` are Ibis expressions; this module decides
where they run. On SQLite and PostgreSQL, Ibis connects to the store's own database, so
the aggregates run there. For DuckDB, the columns metrics need are read once through
SQLAlchemy (the same column types as every other reader: UTC datetimes, exact money) into
Arrow and loaded into an in-memory DuckDB, and the very same expressions run on it. DuckDB
never opens the SQLite file itself (that would need an extension downloaded at run time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ibis  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from l2o.analytics.metrics import TABLES, MetricsError, RevenueTables
from l2o.store import describe_url, engine_for, ensure_current
from l2o.store import schema as store_schema
from l2o.store.types import UTCDateTime

__all__ = ["BACKENDS", "metrics_tables", "open_metrics_tables", "store_backend"]

BACKENDS = ("sqlite", "duckdb", "postgres")
"""The Ibis backends metrics run on here."""

_BATCH = 100_000


def store_backend(url: str | URL) -> str:
    """The Ibis backend of the store's own database: ``sqlite`` or ``postgres``."""
    name = make_url(url).get_backend_name()
    return {"sqlite": "sqlite", "postgresql": "postgres"}.get(name, name)


@contextmanager
def open_metrics_tables(url: str | URL, backend: str | None = None) -> Iterator[RevenueTables]:
    """The store's tables on ``backend`` (default: the store's own), closed afterwards.

    >>> with open_metrics_tables("sqlite:///l2o.db", "duckdb") as tables:
    ...     report = compute_metrics(tables)
    """
    tables, connection = _connect(url, backend)
    try:
        yield tables
    finally:
        connection.disconnect()


def metrics_tables(url: str | URL, backend: str | None = None) -> RevenueTables:
    """The store's tables on ``backend``; the connection lives as long as the tables do."""
    return _connect(url, backend)[0]


def _connect(url: str | URL, backend: str | None) -> tuple[RevenueTables, Any]:
    backend = backend or store_backend(url)
    if backend not in BACKENDS:
        raise MetricsError(
            f"unknown metrics backend {backend!r}; choose one of {', '.join(BACKENDS)}"
        )
    engine = engine_for(url)
    ensure_current(engine)
    parsed = make_url(url)
    store = store_backend(parsed)
    if backend == "duckdb":
        connection = ibis.duckdb.connect()
        for name, columns in TABLES.items():
            _load_duckdb(connection.con, name, _arrow(engine, name, columns))
    elif backend != store:
        raise MetricsError(
            f"the store {describe_url(parsed)} is {store}: metrics run on it with --backend "
            f"{store} (or duckdb, which loads a copy), not {backend}"
        )
    elif backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise MetricsError("an in-memory SQLite store cannot be shared with Ibis; use a file")
        connection = ibis.sqlite.connect(parsed.database)
    else:
        connection = ibis.postgres.connect(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            database=parsed.database,
        )
    return RevenueTables.from_connection(connection, backend), connection


def _arrow(engine: Engine, name: str, columns: tuple[str, ...]) -> pa.Table:
    """``columns`` of store table ``name`` as an Arrow table, read in batches."""
    table = store_schema.metadata.tables[name]
    picked = [table.c[c] for c in columns]
    schema = pa.schema([pa.field(c.name, _arrow_type(c.type)) for c in picked])
    batches = []
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=_BATCH).execute(sa.select(*picked))
        for part in result.partitions():
            values = list(zip(*part, strict=True))
            batches.append(
                pa.record_batch(
                    [pa.array(v, type=f.type) for v, f in zip(values, schema, strict=True)],
                    schema=schema,
                )
            )
    return pa.Table.from_batches(batches, schema=schema)


def _load_duckdb(duck: Any, name: str, data: pa.Table) -> None:
    """Copy ``data`` into DuckDB table ``name``. Through DuckDB's own API: Ibis 12's
    ``create_table`` fails on DuckDB 2 (it drops a view by a statement DuckDB 2 refuses)."""
    view = f"_l2o_arrow_{name}"
    duck.register(view, data)
    try:
        duck.execute(f'CREATE TABLE "{name}" AS SELECT * FROM "{view}"')
    finally:
        duck.unregister(view)


def _arrow_type(kind: sa.types.TypeEngine[Any]) -> pa.DataType:
    if isinstance(kind, UTCDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return pa.decimal128(kind.precision or 18, kind.scale or 0)
    if isinstance(kind, sa.Boolean):
        return pa.bool_()
    if isinstance(kind, sa.Date):
        return pa.date32()
    if isinstance(kind, sa.Integer):
        return pa.int64()
    if isinstance(kind, sa.Float):
        return pa.float64()
    return pa.string()
