"""Tables as column arrays: the in-memory shape of every simulated record type.

A :class:`Table` is an ordered mapping of column name to a NumPy array, with a *kind* per
column that says how the array encodes its values and how the neutral CSV writes them:

=========  ====================================  ===============================================
kind       array                                 missing value / CSV text
=========  ====================================  ===============================================
``id``     int64 sequence number                 ``PREFIX-123``; never missing
``ref``    int64 sequence number of another row  ``-1`` / empty; else ``PREFIX-123``
``text``   ASCII bytes (``S``)                   ``b""`` / empty
``int``    int64                                 :data:`MISSING` / empty
``money``  int64 cents                           :data:`MISSING` / empty; else ``1234.50``
``ratio``  int64 ten-thousandths                 :data:`MISSING` / empty; else ``0.1250``
``ts``     int64 seconds since the Unix epoch    :data:`MISSING` / empty; else ISO 8601 UTC
``date``   int64 days since the Unix epoch       :data:`MISSING` / empty; else ``2024-03-31``
``bool``   int8 0 / 1                            ``-1`` / empty; else ``true`` / ``false``
=========  ====================================  ===============================================

Integers (cents, ten-thousandths, seconds) keep every value exact, so the same seed always
writes the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["KINDS", "MISSING", "Column", "Table", "concat_text", "join_text"]

MISSING = np.iinfo(np.int64).min
"""Sentinel for a missing ``int``, ``money``, ``ratio``, ``ts`` or ``date`` value."""

KINDS = ("id", "ref", "text", "int", "money", "ratio", "ts", "date", "bool")


@dataclass(frozen=True)
class Column:
    """How one column is stored and written: its kind and, for ids and refs, the id prefix."""

    kind: str
    prefix: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {KINDS}")
        if self.kind in ("id", "ref") and not self.prefix:
            raise ValueError(f"a {self.kind} column needs an id prefix")


@dataclass
class Table:
    """One record type as column arrays, in the column order the CSV writes.

    ``Table("accounts", {"id": (Column("id", "AC"), ids), ...})`` - build it with
    :meth:`from_columns`, read a column with ``table["industry"]``.
    """

    name: str
    schema: dict[str, Column]
    data: dict[str, np.ndarray] = field(repr=False)

    def __post_init__(self) -> None:
        if list(self.schema) != list(self.data):
            raise ValueError(f"{self.name}: schema and data name different columns")
        lengths = {len(a) for a in self.data.values()}
        if len(lengths) > 1:
            raise ValueError(f"{self.name}: columns differ in length {sorted(lengths)}")

    @classmethod
    def from_columns(cls, name: str, columns: Mapping[str, tuple[Column, np.ndarray]]) -> Table:
        """Build a table from ``{column: (Column, array)}`` in CSV order."""
        return cls(
            name,
            {k: c for k, (c, _) in columns.items()},
            {k: a for k, (_, a) in columns.items()},
        )

    def __len__(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def __getitem__(self, column: str) -> np.ndarray:
        return self.data[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self.schema)

    @property
    def columns(self) -> list[str]:
        """Column names in CSV order."""
        return list(self.schema)

    def take(self, index: np.ndarray) -> Table:
        """A new table with the rows at ``index`` (a boolean mask or integer positions)."""
        return Table(self.name, dict(self.schema), {k: a[index] for k, a in self.data.items()})

    def concat(self, other: Table) -> Table:
        """This table's rows followed by ``other``'s (same columns)."""
        if other.schema != self.schema:
            raise ValueError(f"{self.name}: cannot append rows with different columns")
        return Table(
            self.name,
            dict(self.schema),
            {k: _concat(a, other.data[k]) for k, a in self.data.items()},
        )

    def ids(self, column: str = "id") -> np.ndarray:
        """The column's ids as Python strings (``PREFIX-n``; empty for a missing ref)."""
        col = self.schema[column]
        values = self.data[column]
        return np.array(
            ["" if v < 0 else f"{col.prefix}-{v}" for v in values.tolist()], dtype=object
        )

    def texts(self, column: str) -> list[str]:
        """A ``text`` column as Python strings (for tests and the store writer)."""
        return [v.decode("ascii") for v in self.data[column].tolist()]


def _concat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "S" and b.dtype.kind == "S":
        return concat_text(a, b)
    return np.concatenate([a, b])


def join_text(*parts: Any) -> np.ndarray:
    """Row-wise concatenation of bytes arrays and ``bytes`` constants.

    >>> join_text(np.array([b"Ada"]), b" ", np.array([b"Lovelace"]))
    array([b'Ada Lovelace'], dtype='|S12')
    """
    out: Any = parts[0]
    for part in parts[1:]:
        out = np.strings.add(out, part)
    return np.asarray(out)


def concat_text(*arrays: np.ndarray) -> np.ndarray:
    """Bytes arrays one after another, widened to the widest (what ``np.concatenate`` needs)."""
    width = max([a.dtype.itemsize for a in arrays] + [1])
    return np.concatenate([a.astype(f"S{width}") for a in arrays])
