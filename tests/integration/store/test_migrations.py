"""Migrations create exactly the schema the code describes, up and down, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from l2o.errors import MigrationError
from l2o.store import (
    SqlAlchemyUnitOfWork,
    current_revision,
    downgrade,
    engine_for,
    head_revision,
    metadata,
    upgrade,
)


def _schema_differences(url: str, target: sa.MetaData) -> list[object]:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, target))
    finally:
        engine.dispose()


def test_upgrade_an_empty_database_to_head_then_again_is_a_no_op(database_url: str) -> None:
    assert current_revision(database_url) is None
    assert upgrade(database_url) == (None, head_revision())
    assert current_revision(database_url) == head_revision()
    assert upgrade(database_url) == (head_revision(), head_revision())


def test_downgrade_to_base_drops_everything_and_upgrade_restores_it(database_url: str) -> None:
    upgrade(database_url)
    assert downgrade(database_url, "base") == (head_revision(), None)
    engine = engine_for(database_url)
    try:
        assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert _schema_differences(database_url, metadata) == []


def test_migrated_schema_matches_the_table_definitions(database_url: str) -> None:
    upgrade(database_url)
    assert _schema_differences(database_url, metadata) == []


def test_the_schema_comparison_does_notice_a_drift(database_url: str) -> None:
    # Guards the test above: a column missing from the migrations must show up.
    upgrade(database_url)
    drifted = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    sa.Table("accounts", drifted, sa.Column("nps", sa.Integer), extend_existing=True)
    differences = _schema_differences(database_url, drifted)
    assert [d[0] for d in differences] == ["add_column"]  # type: ignore[index]


def test_a_unit_of_work_refuses_an_unmigrated_database(database_url: str) -> None:
    engine = engine_for(database_url)
    try:
        with (
            pytest.raises(MigrationError, match="run `l2o db upgrade"),
            SqlAlchemyUnitOfWork(engine),
        ):
            pass
    finally:
        engine.dispose()


def test_a_unit_of_work_refuses_a_database_behind_the_code(database_url: str) -> None:
    engine = engine_for(database_url)
    try:
        upgrade(engine)
        with SqlAlchemyUnitOfWork(engine) as uow:
            assert uow.accounts.count() == 0
        downgrade(engine, "base")
        with pytest.raises(MigrationError, match="no L2O schema"), SqlAlchemyUnitOfWork(engine):
            pass
    finally:
        engine.dispose()


def test_each_revision_steps_down_and_back_up(database_url: str) -> None:
    upgrade(database_url)
    assert downgrade(database_url, "0001") == (head_revision(), "0001")
    engine = engine_for(database_url)
    try:
        inspector = sa.inspect(engine)
        assert "territories" not in inspector.get_table_names()
        assert "merges" not in inspector.get_table_names()
        assert "merged_into_id" not in {c["name"] for c in inspector.get_columns("accounts")}
    finally:
        engine.dispose()
    assert downgrade(database_url, "base") == ("0001", None)
    assert upgrade(database_url, "0001") == (None, "0001")
    assert upgrade(database_url) == ("0001", head_revision())
    assert _schema_differences(database_url, metadata) == []


def test_every_foreign_key_stays_checked_at_commit_after_the_migrations(
    database_url: str,
) -> None:
    # SQLite rewrites a table to add a foreign key; the rewrite must keep them all deferred.
    upgrade(database_url)
    engine = engine_for(database_url)
    try:
        inspector = sa.inspect(engine)
        not_deferred = [
            (table, fk["name"])
            for table in inspector.get_table_names()
            for fk in inspector.get_foreign_keys(table)
            if fk["options"].get("initially", "").upper() != "DEFERRED"
        ]
    finally:
        engine.dispose()
    assert not_deferred == []


def test_upgrading_and_downgrading_a_database_with_data_keeps_its_rows(database_url: str) -> None:
    upgrade(database_url, "0001")
    engine = engine_for(database_url)
    t = "2025-01-01 00:00:00+00:00"
    rows = {
        "users": {"id": "u1", "name": "Ana", "role": "ae", "active": True, "created_at": t},
        "accounts": {
            "id": "a1", "name": "Acme", "technologies": "[]", "owner_id": "u1",
            "custom_fields": "{}", "created_at": t, "version": 1,
        },
        "contacts": {"id": "c1", "account_id": "a1", "last_name": "Berg", "created_at": t},
        "leads": {"id": "l1", "status": "new", "custom_fields": "{}", "created_at": t,
                  "converted_account_id": "a1", "version": 1},
        "contracts": {
            "id": "k1", "account_id": "a1", "status": "active", "start_date": "2025-01-01",
            "end_date": "2025-12-31", "arr": 1200, "currency": "USD", "auto_renew": False,
            "created_at": t, "version": 1,
        },
        "usage_records": {"id": "r1", "account_id": "a1", "contract_id": "k1",
                          "metric": "active_users", "quantity": 10, "occurred_at": t},
    }  # fmt: skip
    try:
        with engine.begin() as connection:
            for table, row in rows.items():
                table_ref = sa.table(table, *(sa.column(name) for name in row))
                connection.execute(sa.insert(table_ref).values(**row))
        upgrade(engine)
        with SqlAlchemyUnitOfWork(engine) as uow:
            account = uow.accounts.get("a1")
            assert (account.owner_id, account.merged_into_id, account.segment) == ("u1", None, None)
            assert uow.contacts.get("c1").account_id == "a1"
            assert uow.leads.get("l1").converted_account_id == "a1"
            contract = uow.contracts.get("k1")
            assert (contract.contract_type, contract.parent_contract_id) == (None, None)
            assert uow.usage.get("r1").licensed_seats is None
            account.segment = "mid_market"
            uow.commit()
        downgrade(engine, "0001")
        with engine.connect() as connection:
            for table, row in rows.items():
                stored = connection.execute(sa.text(f"SELECT id FROM {table}")).scalars().all()
                assert stored == [row["id"]], table
        upgrade(engine)
    finally:
        engine.dispose()
