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
