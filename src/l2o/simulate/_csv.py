"""The neutral CSV writer: one file per record type, byte-stable for a seed.

Each file has a header row, the table's columns in order, ``\\n`` line endings, UTF-8 (in
practice ASCII), ISO 8601 UTC timestamps (``2024-03-31T14:05:00Z``), dates as ``YYYY-MM-DD``,
amounts with two decimals and ratios with four, ``true``/``false`` booleans, and an empty
field for a missing value. Simulated values never contain a comma, quote or line break, so
no field is quoted; the writer checks that on every chunk rather than trusting it.

Rows are formatted column-wise with NumPy (lookup tables for digits, dates and times of day)
and assembled as one byte matrix per chunk: a field is a list of *pieces* (a uint8 matrix
and each row's length), and a row is its pieces with the padding dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import numpy as np

from l2o.simulate._table import MISSING, Column, Table

__all__ = ["format_column", "table_csv_chunks", "write_table_csv"]

_COMMA, _NEWLINE, _QUOTE, _CR = ord(","), ord("\n"), ord('"'), ord("\r")

Piece = tuple[np.ndarray, np.ndarray]
"""Part of a field: a ``(rows, width)`` uint8 matrix and each row's length in bytes."""


@cache
def _two_digits() -> np.ndarray:
    return np.array([f"{i:02d}" for i in range(100)], dtype="S2").view(np.uint8).reshape(100, 2)


@cache
def _four_digits() -> np.ndarray:
    table = np.array([f"{i:04d}" for i in range(10_000)], dtype="S4")
    return table.view(np.uint8).reshape(-1, 4)


@cache
def _times_of_day() -> np.ndarray:
    s = np.arange(86_400)
    hh, mm, ss = _two_digits()[s // 3600], _two_digits()[s // 60 % 60], _two_digits()[s % 60]
    colon = np.full((86_400, 1), ord(":"), dtype=np.uint8)
    return np.concatenate([hh, colon, mm, colon, ss], axis=1)


def _dates(days: np.ndarray) -> tuple[np.ndarray, int]:
    """A lookup table of ``YYYY-MM-DD`` for the span of ``days``, and its first day."""
    lo, hi = (int(days.min()), int(days.max())) if days.size else (0, 0)
    span = np.arange(lo, hi + 1).astype("datetime64[D]")
    table = np.char.encode(np.datetime_as_string(span, unit="D"), "ascii").astype("S10")
    return table.view(np.uint8).reshape(-1, 10), lo


def _from_bytes(values: np.ndarray) -> Piece:
    values = values.astype(f"S{max(values.dtype.itemsize, 1)}")
    matrix = values.view(np.uint8).reshape(len(values), values.dtype.itemsize)
    return matrix, np.strings.str_len(values).astype(np.int64)


def _blank(pieces: list[Piece], missing: np.ndarray) -> list[Piece]:
    return [(m, np.where(missing, 0, n)) for m, n in pieces]


def _fixed(matrix: np.ndarray, missing: np.ndarray) -> list[Piece]:
    return [(matrix, np.where(missing, 0, matrix.shape[1]))]


def _const(n: int, text: str) -> Piece:
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(raw, (n, len(raw))), np.full(n, len(raw), dtype=np.int64)


def _digits(values: np.ndarray) -> Piece:
    """Non-negative integers as decimal text, in a matrix only as wide as the largest."""
    width = len(str(int(values.max()))) if values.size else 1
    return _from_bytes(values.astype(f"S{width}"))


def _ids(prefix: str, values: np.ndarray) -> list[Piece]:
    missing = values < 0
    digits = _digits(np.where(missing, 0, values))
    return _blank([_const(len(values), f"{prefix}-"), digits], missing)


def _integers(values: np.ndarray) -> list[Piece]:
    missing = values == MISSING
    v = np.where(missing, 0, values)
    negative = v < 0
    sign = (np.full((len(v), 1), ord("-"), dtype=np.uint8), negative.astype(np.int64))
    return _blank([sign, _digits(np.abs(v))], missing)


def _decimal(values: np.ndarray, scale: int) -> list[Piece]:
    missing = values == MISSING
    v = np.where(missing, 0, values)
    negative = v < 0
    v = np.abs(v)
    n = len(v)
    sign = (np.full((n, 1), ord("-"), dtype=np.uint8), negative.astype(np.int64))
    whole = _digits(v // scale)
    frac = (_two_digits() if scale == 100 else _four_digits())[v % scale]
    pieces = [sign, whole, _const(n, "."), (frac, np.full(n, frac.shape[1], dtype=np.int64))]
    return _blank(pieces, missing)


def _timestamps(values: np.ndarray) -> list[Piece]:
    missing = values == MISSING
    v = np.where(missing, 0, values)
    days = v // 86_400
    dates, first = _dates(days[~missing])
    day_index = np.clip(days - first, 0, len(dates) - 1)
    n = len(v)
    t = np.full((n, 1), ord("T"), dtype=np.uint8)
    z = np.full((n, 1), ord("Z"), dtype=np.uint8)
    matrix = np.concatenate([dates[day_index], t, _times_of_day()[v % 86_400], z], axis=1)
    return _fixed(matrix, missing)


def _calendar_dates(values: np.ndarray) -> list[Piece]:
    missing = values == MISSING
    v = np.where(missing, 0, values)
    dates, first = _dates(v[~missing])
    return _fixed(dates[np.clip(v - first, 0, len(dates) - 1)], missing)


def _booleans(values: np.ndarray) -> list[Piece]:
    vocab = np.array([b"false", b"true", b""], dtype="S5")
    return [_from_bytes(vocab[np.where(values < 0, 2, values)])]


_FORMATTERS: dict[str, Callable[[Column, np.ndarray], list[Piece]]] = {
    "id": lambda c, v: _ids(c.prefix, v),
    "ref": lambda c, v: _ids(c.prefix, v),
    "text": lambda c, v: [_from_bytes(v)],
    "int": lambda c, v: _integers(v),
    "money": lambda c, v: _decimal(v, 100),
    "ratio": lambda c, v: _decimal(v, 10_000),
    "ts": lambda c, v: _timestamps(v),
    "date": lambda c, v: _calendar_dates(v),
    "bool": lambda c, v: _booleans(v),
}


def format_column(column: Column, values: np.ndarray) -> list[Piece]:
    """Format one column's values as CSV field bytes: pieces that, joined, make each field."""
    return _FORMATTERS[column.kind](column, values)


def table_csv_chunks(table: Table, chunk_rows: int = 100_000) -> Iterator[bytes]:
    """Yield a table's CSV bytes: the header row, then chunks of ``chunk_rows`` rows."""
    yield (",".join(table.columns) + "\n").encode("ascii")
    ncols = len(table.columns)
    for start in range(0, len(table), chunk_rows):
        stop = min(start + chunk_rows, len(table))
        n = stop - start
        pieces: list[Piece] = []
        for i, name in enumerate(table.columns):
            pieces.extend(format_column(table.schema[name], table[name][start:stop]))
            pieces.append(_const(n, "," if i < ncols - 1 else "\n"))
        matrix = np.concatenate([m for m, _ in pieces], axis=1)
        keep = np.concatenate([np.arange(m.shape[1]) < k[:, None] for m, k in pieces], axis=1)
        flat = matrix[keep]
        commas = int(np.count_nonzero(flat == _COMMA))
        breaks = int(np.count_nonzero(flat == _NEWLINE))
        if commas != n * (ncols - 1) or breaks != n or np.any((flat == _QUOTE) | (flat == _CR)):
            raise ValueError(f"{table.name}: a value contains a comma, quote or line break")
        yield flat.tobytes()


def write_table_csv(table: Table, path: Path, chunk_rows: int = 100_000) -> int:
    """Write ``table`` as a neutral CSV file at ``path``; return the number of bytes written."""
    written = 0
    with path.open("wb") as out:
        for chunk in table_csv_chunks(table, chunk_rows):
            written += out.write(chunk)
    return written
