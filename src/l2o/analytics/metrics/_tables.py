"""The store's tables as Ibis expressions: what every metric is computed from.

Metrics never open a database: a service hands them :class:`RevenueTables` built from an
Ibis connection (SQLite, DuckDB, PostgreSQL, or any backend holding tables of the same
names and columns), so the very same expressions run wherever the data lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]

from l2o.analytics.metrics._errors import MetricsError

__all__ = ["TABLES", "RevenueTables"]

TABLES: dict[str, tuple[str, ...]] = {
    "leads": (
        "id",
        "company",
        "lead_source",
        "owner_id",
        "created_at",
        "mql_at",
        "sql_at",
        "first_touch_at",
        "converted_at",
        "converted_opportunity_id",
        "converted_account_id",
        "merged_into_id",
    ),
    "opportunities": (
        "id",
        "account_id",
        "owner_id",
        "stage",
        "amount",
        "opportunity_type",
        "created_at",
        "closed_at",
        "is_won",
        "lead_source",
    ),
    "stage_changes": ("opportunity_id", "to_stage", "changed_at", "amount", "close_date"),
    "opportunity_field_changes": ("opportunity_id", "field", "new_value", "changed_at"),
    "accounts": ("id", "name", "owner_id", "segment"),
    "users": ("id", "territory_id"),
    "territories": ("id", "segment"),
    "contracts": (
        "id",
        "account_id",
        "renewal_of_id",
        "parent_contract_id",
        "contract_type",
        "status",
        "start_date",
        "end_date",
        "arr",
        "cancelled_at",
        "created_at",
    ),
    "campaigns": ("id", "start_date", "budget", "created_at"),
}
"""The tables metrics read and the columns they need from each."""


@dataclass(frozen=True)
class RevenueTables:
    """The store's tables (only the columns metrics use) on one Ibis backend."""

    backend: str
    leads: ir.Table
    opportunities: ir.Table
    stage_changes: ir.Table
    opportunity_field_changes: ir.Table
    accounts: ir.Table
    users: ir.Table
    territories: ir.Table
    contracts: ir.Table
    campaigns: ir.Table

    @classmethod
    def from_connection(cls, connection: Any, backend: str | None = None) -> RevenueTables:
        """The tables of an Ibis connection, checked for the columns metrics need.

        >>> RevenueTables.from_connection(ibis.sqlite.connect("l2o.db")).backend
        'sqlite'
        """
        tables: dict[str, ir.Table] = {}
        for name, columns in TABLES.items():
            try:
                table = connection.table(name)
            except Exception as exc:  # each backend raises its own "no such table"
                raise MetricsError(
                    f"table {name!r} is missing from the {connection.name} data: {exc}"
                ) from exc
            missing = [c for c in columns if c not in table.columns]
            if missing:
                raise MetricsError(f"table {name!r} lacks column(s) {', '.join(missing)}")
            tables[name] = table.select(*columns)
        return cls(backend=backend or str(connection.name), **tables)


def rows(expr: ir.Table) -> list[dict[str, Any]]:
    """Run ``expr`` and return its rows as dicts (through Arrow, no pandas)."""
    return list(expr.to_pyarrow().to_pylist())


def instant(column: ir.Value, value: Any) -> ir.Value:
    """``value`` as a literal of ``column``'s own type, so a UTC instant compares the same
    on a zone-less column (SQLite) and a zoned one (PostgreSQL, DuckDB)."""
    kind = column.type()
    if kind.is_timestamp() and kind.timezone is None:
        value = value.replace(tzinfo=None)
    return ibis.literal(value, type=kind)


def grouped(
    table: ir.Table, by: str | None, **measures: ir.Scalar
) -> dict[str | None, dict[str, Any]]:
    """Aggregate ``measures`` over ``table``, per value of column ``by`` (or once, under the
    key ``None``); sums over no rows come back as 0, not null."""
    expr = table.group_by(by).aggregate(**measures) if by else table.aggregate(**measures)
    out: dict[str | None, dict[str, Any]] = {}
    for row in rows(expr):
        key = str(row.pop(by)) if by else None
        out[key] = {k: (0 if v is None and k in measures else v) for k, v in row.items()}
    return out


def count_if(condition: ir.BooleanValue) -> ir.Scalar:
    """How many rows meet ``condition`` (a portable boolean sum)."""
    return condition.ifelse(1, 0).sum().cast("int64")
