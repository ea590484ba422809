"""The bulk writer's reads by any of several columns and its versioned writes, on each
backend: what batches use instead of loading records through the ORM."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.errors import StaleRecord, StoreError
from l2o.store import SqlAlchemyUnitOfWork, bulk, engine_for, upgrade
from l2o.store.bulk import BulkWriter, LookUp

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def _users(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.users.add(d.User(id="u-2", name="B", email="b@x.example", created_at=T0))
        uow.users.add(d.User(id="u-1", name="A", email="a@x.example", created_at=T0))
        uow.users.add(d.User(id="u-0", name="C", source_id="7", created_at=T0 - timedelta(days=1)))
        uow.users.add(d.User(id="u-3", name="D", email="d@x.example", created_at=T0))
        uow.commit()


def test_rows_matching_any_column_come_oldest_first_with_the_columns_asked(
    engine: Engine,
) -> None:
    _users(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        rows = writer.rows_where_any(
            "users",
            {"id": ["u-2"], "email": ["a@x.example", "zz@x.example"], "source_id": ["7"]},
            columns=("id", "email"),
        )
        everything = writer.rows_where_any("users", {"id": {"u-3"}})
        nothing = writer.rows_where_any("users", {"id": [], "email": set()})
    # By created_at, then id: u-0 is a day older; u-1 and u-2 were created together.
    assert rows == [
        {"id": "u-0", "email": None},
        {"id": "u-1", "email": "a@x.example"},
        {"id": "u-2", "email": "b@x.example"},
    ]
    assert everything[0]["name"] == "D"
    assert everything[0]["created_at"] == T0  # read through the column types
    assert nothing == []


def test_a_few_values_are_looked_up_as_many_are(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few values go by a statement compiled per number of values, read without SQLAlchemy's
    # result; more by expanding parameters. Both give the same rows, typed the same.
    _users(engine)
    _first_state(engine)
    audit = {"record_type": "Lead", "action": "update", "field": "score", "source": "test"}
    with SqlAlchemyUnitOfWork(engine) as uow:  # JSON values, an enum, times
        BulkWriter.for_unit_of_work(uow).append(
            "audit_log",
            [
                {
                    **audit,
                    "id": "a-1",
                    "record_id": "l-1",
                    "old_value": {"points": 1.5},
                    "new_value": None,
                    "changed_by": None,
                    "changed_at": T0,
                },
                {
                    **audit,
                    "id": "a-2",
                    "record_id": "l-2",
                    "old_value": ["fit", 2],
                    "new_value": "text",
                    "changed_by": "u-1",
                    "changed_at": T0 + timedelta(1),
                },
            ],
        )
        uow.commit()
    lookups: list[tuple[str, dict[str, list[str]], bool]] = [
        ("users", {"id": ["u-2", "u-9"], "email": ["A@x.example", "a@x.example"]}, False),
        ("users", {"source_id": ["7"]}, False),
        ("routing_state", {"id": [d.ROUTING_STATE_ID]}, True),
        ("audit_log", {"record_id": ["l-1", "l-2"]}, False),
        ("users", {"id": ["nobody"]}, False),
    ]

    def look_up_all() -> list[list[dict[str, object]]]:
        with SqlAlchemyUnitOfWork(engine) as uow:
            writer = BulkWriter.for_unit_of_work(uow)
            return [writer.rows_where_any(t, m, lock=lock) for t, m, lock in lookups]

    few = look_up_all()
    monkeypatch.setattr(bulk, "FEW_VALUES", 0)
    many = look_up_all()

    assert few == many
    assert [len(rows) for rows in few] == [2, 1, 1, 2, 0]
    for few_rows, many_rows in zip(few, many, strict=True):
        for few_row, many_row in zip(few_rows, many_rows, strict=True):
            assert {k: type(v) for k, v in few_row.items()} == {
                k: type(v) for k, v in many_row.items()
            }
    state = few[2][0]
    assert (state["loads"], state["version"], state["updated_at"]) == ({}, 1, T0)


def test_a_failing_look_up_of_a_few_values_raises_sqlalchemys_error(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE routing_state"))
    with SqlAlchemyUnitOfWork(engine) as uow, pytest.raises(sa.exc.DBAPIError):
        BulkWriter.for_unit_of_work(uow).rows_where_any("routing_state", {"id": ["x"]})


def _first_state(engine: Engine) -> dict[str, object]:
    """Store an empty routing state (version 1); its values."""
    values: dict[str, object] = {"day": None, "loads": {}, "pointers": {}, "updated_at": T0}
    with SqlAlchemyUnitOfWork(engine) as uow:
        BulkWriter.for_unit_of_work(uow).write_versioned(
            "routing_state", d.ROUTING_STATE_ID, None, values
        )
        uow.commit()
    return values


def _state(engine: Engine) -> d.RoutingState | None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        return uow.routing_state.find(d.ROUTING_STATE_ID)


def test_a_versioned_write_inserts_then_updates_at_the_version_read(engine: Engine) -> None:
    values = {"day": date(2025, 3, 3), "loads": {"ana": 1}, "pointers": {"p": 1}, "updated_at": T0}
    with SqlAlchemyUnitOfWork(engine) as uow:
        BulkWriter.for_unit_of_work(uow).write_versioned(
            "routing_state", d.ROUTING_STATE_ID, None, values
        )
        uow.commit()
    stored = _state(engine)
    assert stored is not None
    assert (stored.version, stored.loads, stored.day) == (1, {"ana": 1}, date(2025, 3, 3))
    with SqlAlchemyUnitOfWork(engine) as uow:
        BulkWriter.for_unit_of_work(uow).write_versioned(
            "routing_state", d.ROUTING_STATE_ID, 1, {**values, "loads": {"ana": 2}}
        )
        uow.commit()
    stored = _state(engine)
    assert stored is not None
    assert (stored.version, stored.loads) == (2, {"ana": 2})


def test_a_versioned_write_on_a_record_changed_meanwhile_is_stale(engine: Engine) -> None:
    values = _first_state(engine)
    # Read at version 1 by both; the first write wins, the second is refused.
    with SqlAlchemyUnitOfWork(engine) as uow:
        BulkWriter.for_unit_of_work(uow).write_versioned(
            "routing_state", d.ROUTING_STATE_ID, 1, {**values, "loads": {"a": 1}}
        )
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with pytest.raises(StaleRecord) as stale:
            writer.write_versioned("routing_state", d.ROUTING_STATE_ID, 1, values)
    assert (stale.value.record_type, stale.value.expected_version) == ("RoutingState", 1)
    # Inserted by someone else first: stale too, not a broken rule of the store.
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with pytest.raises(StaleRecord):
            writer.write_versioned("routing_state", d.ROUTING_STATE_ID, None, values)
    stored = _state(engine)
    assert stored is not None
    assert (stored.version, stored.loads) == (2, {"a": 1})


def test_a_row_read_locked_is_updated_with_the_writes_sent_together(engine: Engine) -> None:
    values = _first_state(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        (row,) = writer.rows_where_any("routing_state", {"id": [d.ROUTING_STATE_ID]}, lock=True)
        with writer.together():  # on PostgreSQL the update waits for no row count
            writer.write_versioned(
                "routing_state",
                d.ROUTING_STATE_ID,
                row["version"],
                {**values, "loads": {"ana": 3}},
                locked=True,
            )
            writer.append("outbox", [_event("e-1")])
        uow.commit()
    stored = _state(engine)
    assert stored is not None
    assert (stored.version, stored.loads) == (2, {"ana": 3})


def test_sqlite_checks_a_locked_write_all_the_same(sqlite_url: str) -> None:
    """SQLite has no row locks: a write said to be on a locked row is still refused when
    the row moved on (on a server the lock keeps it from moving)."""
    engine = engine_for(sqlite_url)
    upgrade(engine)
    values = {"day": None, "loads": {}, "pointers": {}, "updated_at": T0}
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        writer.write_versioned("routing_state", d.ROUTING_STATE_ID, None, values)
        writer.write_versioned("routing_state", d.ROUTING_STATE_ID, 1, values)
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with pytest.raises(StaleRecord):
            writer.write_versioned("routing_state", d.ROUTING_STATE_ID, 1, values, locked=True)
    engine.dispose()


def test_audited_records_are_not_written_past_their_audit(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with pytest.raises(StoreError, match="accounts"):
            writer.write_versioned("accounts", "acc-1", 1, {"name": "Globex"})


def test_writes_sent_together_are_all_stored(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with writer.together():
            writer.insert("users", [_user_row("u-1", "A")])
            writer.append("outbox", [_event("e-1"), _event("e-2")])
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.users.get("u-1").name == "A"
        assert sorted(m.id for m in uow.outbox.list()) == ["e-1", "e-2"]
        assert [e.action for e in uow.audit.for_record("User", "u-1")] == [d.AuditAction.CREATE]


def test_a_write_sent_together_that_fails_raises_the_stores_error(engine: Engine) -> None:
    _users(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)

        def send_both() -> None:
            with writer.together():
                writer.append("outbox", [_event("e-1")])
                writer.insert("users", [_user_row("u-1", "again")])

        with pytest.raises(sa.exc.IntegrityError):
            send_both()
    with SqlAlchemyUnitOfWork(engine) as uow:  # nothing of it was kept
        assert uow.users.get("u-1").name == "A"
        assert uow.outbox.count() == 0


def test_a_read_among_writes_sent_together_sees_them_and_locks_its_rows(engine: Engine) -> None:
    _first_state(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with writer.together():
            writer.insert("users", [_user_row("u-1", "A")])
            # On PostgreSQL the read waits for the insert's answer and its own, together.
            (user,) = writer.rows_where_any("users", {"id": ["u-1"]}, columns=("id", "name"))
            (state,) = writer.rows_where_any(
                "routing_state", {"id": [d.ROUTING_STATE_ID]}, lock=True
            )
            writer.append("outbox", [_event("e-1")])
        uow.commit()
    assert user == {"id": "u-1", "name": "A"}
    assert (state["version"], state["updated_at"]) == (1, T0)
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.outbox.count() == 1


def test_a_commit_queued_goes_with_the_writes_on_a_server(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with writer.together():
            writer.insert("users", [_user_row("u-1", "A")])
            writer.commit_queued()
        # On a server the transaction has committed with the writes; elsewhere the unit of
        # work's commit commits it, as ever.
        committed = _stored_users(engine)
        uow.commit()
    assert committed == (["u-1"] if engine.dialect.name == "postgresql" else [])
    assert _stored_users(engine) == ["u-1"]
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert [e.action for e in uow.audit.for_record("User", "u-1")] == [d.AuditAction.CREATE]


def test_a_failing_write_with_the_commit_queued_keeps_nothing(engine: Engine) -> None:
    _users(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)

        def send_all() -> None:
            with writer.together():
                writer.append("outbox", [_event("e-1")])
                writer.insert("users", [_user_row("u-1", "again")])
                writer.commit_queued()
            uow.commit()

        with pytest.raises(sa.exc.IntegrityError):
            send_all()
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.users.get("u-1").name == "A"
        assert uow.outbox.count() == 0


def test_a_first_versioned_write_sent_together_is_found_stale_at_once(engine: Engine) -> None:
    values = _first_state(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        written_after: list[bool] = []

        def insert_then_go_on() -> None:
            with writer.together():
                writer.write_versioned("routing_state", d.ROUTING_STATE_ID, None, values)
                written_after.append(True)  # not reached: the insert's outcome is waited for

        with pytest.raises(StaleRecord):
            insert_then_go_on()
    assert written_after == []


def test_look_ups_sent_together_each_find_what_they_would_alone(engine: Engine) -> None:
    _users(engine)
    _first_state(engine)
    many = [f"nobody-{n}" for n in range(bulk.FEW_VALUES)] + ["u-3"]  # by expanding parameters
    look_ups = (
        LookUp("users", {"email": ["a@x.example"], "source_id": ["7"]}, columns=("id", "name")),
        LookUp("routing_state", {"id": [d.ROUTING_STATE_ID]}, lock=True),
        LookUp("accounts", {"domain": ["nowhere.example"]}),
        LookUp("users", {"id": []}),
        LookUp("users", {"id": many}, columns=("id",)),
    )
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        together = writer.look_up(*look_ups)
        alone = [
            writer.rows_where_any(x.table_name, x.matches, x.columns, lock=x.lock) for x in look_ups
        ]
    assert together == alone
    assert together[0] == [{"id": "u-0", "name": "C"}, {"id": "u-1", "name": "A"}]
    assert together[1][0]["updated_at"] == T0
    assert together[2:] == [[], [], [{"id": "u-3"}]]


def test_a_block_sent_together_inside_another_is_part_of_it(engine: Engine) -> None:
    # The look-up sends its query together with what the outer block sent (it does not end
    # the outer block on a server): the commit queued after it still goes with the writes.
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with writer.together():
            writer.insert("users", [_user_row("u-1", "A")])
            ((user,),) = writer.look_up(LookUp("users", {"id": ["u-1"]}, columns=("name",)))
            writer.commit_queued()
        committed = _stored_users(engine)
        uow.commit()
    assert user == {"name": "A"}
    assert committed == (["u-1"] if engine.dialect.name == "postgresql" else [])
    assert _stored_users(engine) == ["u-1"]


def test_values_filled_in_on_rows_just_inserted_are_stored_as_inserted(engine: Engine) -> None:
    # Neither audited nor versioned: the create entry and version 1 stand for the row as
    # committed.
    with SqlAlchemyUnitOfWork(engine) as uow:
        writer = BulkWriter.for_unit_of_work(uow)
        with writer.together():
            writer.insert("accounts", [_account_row("a-1", "Acme"), _account_row("a-2", "Globex")])
            writer.fill_in(
                "accounts",
                [
                    ("a-1", {"name": "Acme Inc", "custom_fields": {"plan": "pro"}}),
                    ("a-2", {"created_at": T0 + timedelta(hours=1)}),
                    ("a-3", {}),
                ],
            )
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        first, second = uow.accounts.get("a-1"), uow.accounts.get("a-2")
        assert (first.name, first.custom_fields, first.version) == ("Acme Inc", {"plan": "pro"}, 1)
        assert (second.name, second.created_at, second.version) == (
            "Globex",
            T0 + timedelta(hours=1),
            1,
        )
        for account_id in ("a-1", "a-2"):
            actions = [e.action for e in uow.audit.for_record("Account", account_id)]
            assert actions == [d.AuditAction.CREATE]


def _account_row(account_id: str, name: str) -> dict[str, object]:
    account = d.Account(id=account_id, name=name, created_at=T0)
    return {f.name: getattr(account, f.name) for f in fields(account) if f.name != "version"}


def _stored_users(engine: Engine) -> list[str]:
    """The ids of the users stored, read on another connection (committed rows only)."""
    with engine.connect() as other:
        return list(other.execute(sa.text("SELECT id FROM users")).scalars())


def _user_row(user_id: str, name: str) -> dict[str, object]:
    user = d.User(id=user_id, name=name, created_at=T0)
    return {f.name: getattr(user, f.name) for f in fields(user) if f.name != "version"}


def _event(event_id: str) -> dict[str, object]:
    return {
        "id": event_id,
        "event_type": "LeadRouted",
        "payload": {"lead_id": "l-1"},
        "created_at": T0,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": T0,
        "delivered_at": None,
        "last_error": None,
    }
