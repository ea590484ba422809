"""The bulk writer's inserts store what SQLAlchemy's own insert stores, on each backend -
columns empty on every row (sent as literal NULLs) and JSON ``null`` included."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.store import SqlAlchemyUnitOfWork, bulk
from l2o.store.bulk import BulkWriter
from l2o.store.schema import metadata

T0 = datetime(2025, 3, 3, 9, 30, 15, 250, tzinfo=UTC)


def _audit_rows(prefix: str) -> list[dict[str, Any]]:
    """Audit rows with a column empty on all of them (``field``), one empty on some
    (``changed_by``) and a JSON column holding ``None`` on all of them (``old_value``)."""
    return [
        {
            "id": f"{prefix}-{i}",
            "record_type": "Lead",
            "record_id": f"lead-{i}",
            "action": "update",
            "field": None,
            "old_value": None,
            "new_value": {"score": i} if i % 2 else None,
            "changed_by": None if i % 3 else "u-1",
            "changed_at": T0 + timedelta(seconds=i),
            "source": "test",
        }
        for i in range(6)
    ]


def _stored(engine: Engine, prefix: str) -> list[tuple[Any, ...]]:
    table = metadata.tables["audit_log"]
    columns = [c for c in table.c if c.name != "id"]
    # Each value as the database holds it: NULL apart from JSON null, text as stored.
    shown = [
        sa.case((c.is_(None), sa.literal("<NULL>")), else_=sa.cast(c, sa.Text)).label(c.name)
        for c in columns
    ]
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(*shown).where(table.c.id.like(f"{prefix}-%")).order_by(table.c.id)
        )
        return [tuple(row) for row in rows]


def test_bulk_inserts_store_what_sqlalchemys_insert_stores(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        BulkWriter.for_unit_of_work(uow).append("audit_log", _audit_rows("bulk"))
        uow.commit()
    with engine.begin() as connection:
        connection.execute(metadata.tables["audit_log"].insert(), _audit_rows("core"))
    bulk, core = _stored(engine, "bulk"), _stored(engine, "core")
    assert bulk == core
    field, old_value = bulk[0][3], bulk[0][4]
    assert field == "<NULL>"  # empty on every row: SQL NULL
    assert old_value != "<NULL>"  # a JSON column's None is JSON null, as the ORM keeps it


def test_a_constant_left_empty_is_stored_empty(engine: Engine) -> None:
    table = metadata.tables["audit_log"]
    with SqlAlchemyUnitOfWork(engine, actor=None) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        writer.insert("users", [_user("u-1"), _user("u-2")])  # audited: create rows, no actor
        uow.commit()
    with engine.connect() as connection:
        changed_by = connection.execute(
            sa.select(table.c.changed_by).where(table.c.record_type == "User")
        ).all()
    assert changed_by == [(None,), (None,)]


def _user(user_id: str) -> dict[str, Any]:
    user = d.User(id=user_id, name=user_id, created_at=T0)
    return {f.name: getattr(user, f.name) for f in fields(user) if f.name != "version"}


def test_masters_are_the_same_looked_up_by_chunks_of_ids_or_in_one_pass(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    territory = d.Territory(name="EMEA")
    accounts = [d.Account(name=f"Account {i}", territory_id=territory.id) for i in range(6)]
    accounts[1].merged_into_id = accounts[0].id
    accounts[2].merged_into_id = accounts[0].id
    accounts[4].merged_into_id = accounts[3].id
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.territories.add(territory)
        for account in accounts:
            uow.accounts.add(account)
        uow.commit()
    asked = [a.id for a in accounts[1:3]] + [accounts[5].id, "no-such-id"]
    expected = {accounts[1].id: accounts[0].id, accounts[2].id: accounts[0].id}
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        assert writer.masters("accounts", asked) == expected
        monkeypatch.setattr(bulk, "MERGED_SCAN_IDS", 2)  # so many ids: one pass
        assert writer.masters("accounts", asked) == expected
