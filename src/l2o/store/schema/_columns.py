"""The shared ``MetaData`` and the column shapes every table repeats.

Conventions: string UUID primary keys (``String(36)``); ``source_system`` + ``source_id``
unique together on every importable record, so an importer upserts by them; ``version`` on
records people edit concurrently (optimistic locking, see ``l2o.store.mapping``).

Foreign keys are ``DEFERRABLE INITIALLY DEFERRED``: checked at commit, so one transaction
may write an opportunity before the account it points at (the ORM does not order inserts
between tables it has no relationship for) and still cannot commit a dangling reference.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from l2o.store.types import UTCDateTime

__all__ = [
    "created_at",
    "metadata",
    "primary_id",
    "ref",
    "source_columns",
    "sparse_index",
    "version",
]

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def primary_id() -> sa.Column[str]:
    """The record id: a UUID string made by the application."""
    return sa.Column("id", sa.String(36), primary_key=True)


def ref(name: str, target: str, *, nullable: bool = True, indexed: bool = True) -> sa.Column[str]:
    """An indexed reference to another record's id, checked at commit.

    ``indexed=False`` for a reference most rows leave empty: the table then lists
    ``sparse_index(name)`` instead.
    """
    return sa.Column(
        name,
        sa.String(36),
        sa.ForeignKey(f"{target}.id", deferrable=True, initially="DEFERRED"),
        nullable=nullable,
        index=indexed,
    )


def sparse_index(name: str) -> sa.Index:
    """An index of only the rows where ``name`` is set (a partial index).

    For references most rows leave empty - a lead's conversion or merge, a lead's touch's
    campaign, contact or account: a row without one costs the index nothing on insert,
    while ``name = :value`` (and ``IN``, ``IS NOT NULL``) still finds its rows through it,
    on SQLite and PostgreSQL alike. ``name IS NULL`` does not use it - nor would it gain
    from a full index, where the empty rows are most of the table.
    """
    where = sa.text(f"{name} IS NOT NULL")
    return sa.Index(None, name, sqlite_where=where, postgresql_where=where)


def source_columns() -> tuple[sa.Column[str], sa.Column[str], sa.UniqueConstraint]:
    """Where an imported record came from; unique together so re-imports update, not copy.

    Both may be empty (records made in L2O); SQL treats empty pairs as distinct.
    """
    return (
        sa.Column("source_system", sa.String(40)),
        sa.Column("source_id", sa.String(255)),
        sa.UniqueConstraint("source_system", "source_id"),
    )


def version() -> sa.Column[int]:
    """The optimistic-lock counter, raised by one on every update."""
    return sa.Column("version", sa.Integer, nullable=False)


def created_at() -> sa.Column[datetime]:
    """When the record was made (in L2O or in its source system)."""
    return sa.Column("created_at", UTCDateTime(), nullable=False)
