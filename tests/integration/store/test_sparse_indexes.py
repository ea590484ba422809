"""References most rows leave empty are indexed only where set, and still found by value."""

from __future__ import annotations

import sqlalchemy as sa

from l2o.store import downgrade, engine_for, metadata, upgrade

SPARSE = {
    "leads": {
        "converted_contact_id",
        "converted_account_id",
        "converted_opportunity_id",
        "merged_into_id",
    },
    "touchpoints": {"campaign_id", "contact_id", "account_id", "opportunity_id", "user_id"},
}


def _partial_indexes(url: str, table: str) -> dict[str, bool]:
    """Each single-column index of ``table`` in the database: column -> whether partial."""
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                rows = connection.execute(
                    sa.text(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
                    ),
                    {"t": table},
                )
            else:
                rows = connection.execute(
                    sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t"),
                    {"t": table},
                )
            return {
                name.removeprefix(f"ix_{table}_"): " WHERE " in (sql or "").upper()
                for name, sql in rows
                if name.startswith(f"ix_{table}_")
            }
    finally:
        engine.dispose()


def test_the_migrations_make_the_sparse_reference_indexes_partial(database_url: str) -> None:
    upgrade(database_url)
    for table, sparse in SPARSE.items():
        indexes = _partial_indexes(database_url, table)
        assert {column for column, partial in indexes.items() if partial} == sparse
        assert sparse < set(indexes)  # the dense ones (lead_id, email...) stay as they were


def test_the_table_definitions_name_the_same_partial_indexes() -> None:
    for table, sparse in SPARSE.items():
        partial = {
            index.columns[0].name
            for index in metadata.tables[table].indexes
            if index.dialect_options["sqlite"]["where"] is not None
            and index.dialect_options["postgresql"]["where"] is not None
        }
        assert partial == sparse


def test_downgrading_restores_full_indexes(database_url: str) -> None:
    upgrade(database_url)
    downgrade(database_url, "0006")
    for table, sparse in SPARSE.items():
        indexes = _partial_indexes(database_url, table)
        assert sparse <= set(indexes)
        assert not any(indexes.values())


def test_a_lookup_by_a_sparse_reference_uses_its_index(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = engine_for(sqlite_url)
    try:
        with engine.connect() as connection:
            for table, sparse in SPARSE.items():
                for column in sparse:
                    plan = " ".join(
                        str(row[-1])
                        for row in connection.execute(
                            sa.text(
                                f"EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE {column} = :v"
                            ),
                            {"v": "x"},
                        )
                    )
                    assert f"ix_{table}_{column}" in plan
    finally:
        engine.dispose()
