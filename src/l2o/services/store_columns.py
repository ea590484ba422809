"""Reading store columns fast for the analytics: straight from the DBAPI cursor into Arrow,
times as epoch seconds. Shared by the store readers of attribution and forecasting.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = ["FETCH_ROWS", "epoch_seconds", "fetch_columns", "floats", "seconds", "time_type"]

#: Rows taken from the cursor at a time.
FETCH_ROWS = 200_000


def fetch_columns(
    conn: Connection, query: sa.Select[Any], types: dict[str, pa.DataType]
) -> pa.Table:
    """The rows of ``query`` as an Arrow table with ``types``, fetched in large batches.

    The statement runs through SQLAlchemy; its rows are taken from the DBAPI cursor as
    plain tuples: every column is selected as the plain value it is read as (text, number,
    epoch), so no result processing is needed, and skipping it halves the time to read a
    few million rows.
    """
    schema = pa.schema([pa.field(name, kind) for name, kind in types.items()])
    cursor = conn.execute(query).cursor
    batches = []
    try:
        while part := cursor.fetchmany(FETCH_ROWS):
            columns = list(zip(*part, strict=True))
            batches.append(
                pa.record_batch(
                    [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)],
                    schema=schema,
                )
            )
    finally:
        cursor.close()
    return pa.Table.from_batches(batches, schema=schema)


def epoch_seconds(conn: Connection) -> Any:
    """A function: a time or date column -> what to select for its seconds since the epoch.

    SQLite keeps times as naive UTC text (``2024-07-01 09:30:00.000000``): the text is read
    as it is and parsed by Arrow (``seconds``), far faster than ``strftime`` row by row.
    PostgreSQL computes the epoch itself (a date as midnight UTC, whatever the session's
    time zone).
    """
    if conn.dialect.name == "sqlite":
        return lambda column: sa.type_coerce(column, sa.String)

    def seconds(column: Any) -> Any:
        if isinstance(column.type, sa.Date):
            column = sa.cast(column, sa.DateTime())
        return sa.cast(sa.extract("epoch", column), sa.Float)

    return seconds


def time_type(conn: Connection) -> pa.DataType:
    """The Arrow type a column selected by ``epoch_seconds`` is fetched as."""
    return pa.string() if conn.dialect.name == "sqlite" else pa.float64()


def seconds(column: pa.ChunkedArray, error: type[Exception] = ValueError) -> np.ndarray:
    """Seconds since the epoch (NaN when empty) from epoch numbers or SQLite's time text;
    ``error`` (the caller's error class) names a time that is neither.

    Fractions of a second are dropped, as the CSV readers drop them."""
    if pa.types.is_string(column.type):
        try:
            stamps = pc.cast(column, pa.timestamp("us"))
        except pa.ArrowInvalid as exc:
            raise error(f"a time in the store is not in SQLite's format: {exc}") from None
        column = pc.cast(pc.cast(stamps, pa.timestamp("s"), safe=False), pa.int64())
    return np.asarray(pc.cast(column, pa.float64()).fill_null(np.nan), dtype=np.float64)


def floats(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.cast(column, pa.float64()).fill_null(np.nan), dtype=np.float64)
