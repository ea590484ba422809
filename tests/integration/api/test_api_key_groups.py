"""Idempotency keys settled in groups: one transaction for the keys of the requests arriving
together, in order, each operation with its own result; a failing one fails alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from api_world import EXAMPLES, World, add_sdrs, auth
from sqlalchemy.engine import Engine

from l2o.entrypoints.api import create_api
from l2o.entrypoints.api import key_ledger as ledger_module
from l2o.entrypoints.api import lead_intake as intake_module
from l2o.entrypoints.api.config import ApiSettings
from l2o.services.access_idempotency import (
    KeyClaim,
    KeyCompletion,
    KeyRelease,
    find_key,
    settle_keys,
)
from l2o.store.access import IdempotencyKeys

SPEC = EXAMPLES / "revenue-machine.yaml"


def test_a_group_settles_in_order_each_operation_with_its_own_result(engine: Engine) -> None:
    results = settle_keys(
        engine,
        [
            KeyClaim("u1", "a", "fa", "POST", "/leads"),
            KeyClaim("u1", "b", "fb", "POST", "/leads"),
            KeyClaim("u1", "a", "fa2", "POST", "/leads"),  # taken just before, same group
            KeyCompletion("u1", "a", 201, {"content-type": "application/json"}, b'{"x":1}'),
            KeyClaim("u2", "a", "f", "POST", "/leads"),  # another client's key of that name
            KeyRelease("u1", "b"),
        ],
    )

    assert results[0] is None
    assert results[1] is None
    assert results[4] is None
    taken = results[2]
    assert taken is not None
    assert not isinstance(taken, Exception)
    assert (taken.fingerprint, taken.in_progress) == ("fa", True)  # as it stood then
    assert results[3] is None
    assert results[5] is None
    done = find_key(engine, "u1", "a")
    assert done is not None
    assert (done.status_code, done.body, done.headers) == (
        201,
        b'{"x":1}',
        {"content-type": "application/json"},
    )
    assert find_key(engine, "u1", "b") is None  # released: a retry claims it again
    again = settle_keys(engine, [KeyClaim("u1", "b", "fb", "POST", "/leads")])
    assert again == [None]


def test_a_groups_keys_go_in_a_few_statements_not_one_a_key(engine: Engine) -> None:
    earlier = [KeyClaim("u1", f"old-{n}", "f", "POST", "/leads") for n in range(4)]
    settle_keys(engine, earlier)
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement.split()[0].upper())

    group = [
        *(KeyCompletion("u1", f"old-{n}", 201, {}, b"done") for n in range(3)),
        *(KeyClaim("u1", f"new-{n}", "f", "POST", "/leads") for n in range(10)),
        KeyClaim("u1", "old-3", "f2", "POST", "/leads"),  # taken: looked up
    ]
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        results = settle_keys(engine, group)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert results[:13] == [None] * 13
    taken = results[13]
    assert taken is not None
    assert not isinstance(taken, Exception)
    assert (taken.fingerprint, taken.in_progress) == ("f", True)
    done = find_key(engine, "u1", "old-0")
    assert done is not None
    assert (done.status_code, done.body) == (201, b"done")
    # The completions, the claims, the look-up of the key taken (plus the transaction's own).
    assert [s for s in statements if s in {"UPDATE", "INSERT", "SELECT"}] == [
        "UPDATE",
        "INSERT",
        "SELECT",
    ]


def test_an_operation_that_fails_fails_alone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_complete = IdempotencyKeys.complete_each

    def failing_for_bad(keys: IdempotencyKeys, completions: list[dict[str, object]]) -> None:
        if any(done["key"] == "bad" for done in completions):
            raise RuntimeError("the store refused it")
        real_complete(keys, completions)

    monkeypatch.setattr(IdempotencyKeys, "complete_each", failing_for_bad)
    results = settle_keys(
        engine,
        [
            KeyClaim("u1", "good", "f1", "POST", "/leads"),
            KeyClaim("u1", "bad", "f2", "POST", "/leads"),
            KeyCompletion("u1", "good", 201, {}, b"ok"),
            KeyCompletion("u1", "bad", 201, {}, b"lost"),
        ],
    )

    assert results[:3] == [None, None, None]
    assert isinstance(results[3], RuntimeError)
    good, bad = find_key(engine, "u1", "good"), find_key(engine, "u1", "bad")
    assert good is not None
    assert good.body == b"ok"
    # Settled again one by one: the claim stands, its completion did not happen.
    assert bad is not None
    assert bad.in_progress


def test_keyed_posts_arriving_together_settle_their_keys_together(
    engine: Engine, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sdrs(engine)
    groups: list[list[str]] = []  # the operations of each transaction of keys
    real_settle = ledger_module.settle_keys

    def counting(by: str) -> object:
        def settle(engine_: Engine, operations: list[object], **kw: object) -> object:
            groups.append([f"{type(op).__name__} by {by}" for op in operations])
            return real_settle(engine_, operations, **kw)  # type: ignore[arg-type]

        return settle

    # A new lead's key is claimed in the lead's own group, its answer stored with a later
    # group's claims: the lead intake settles both, the ledger neither.
    monkeypatch.setattr(intake_module, "settle_keys", counting("intake"))
    monkeypatch.setattr(ledger_module, "settle_keys", counting("ledger"))
    app = create_api(engine, spec=SPEC, settings=ApiSettings(data_dir=tmp_path / "data"))
    token = world.tokens["admin"]
    bodies = [{"last_name": f"Keyed{i}", "country": "US"} for i in range(10)]

    async def post_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            return list(
                await asyncio.gather(
                    *(
                        client.post(
                            "/leads", json=body, headers=auth(token, **{"Idempotency-Key": f"k{i}"})
                        )
                        for i, body in enumerate(bodies)
                    )
                )
            )

    answers = asyncio.run(post_all())

    assert [a.status_code for a in answers] == [201] * len(bodies), answers[0].text
    operations = [op for group in groups for op in group]
    assert operations.count("KeyClaim by intake") == len(bodies)
    assert operations.count("KeyCompletion by intake") == len(bodies)
    assert len(operations) == 2 * len(bodies)
    assert len(groups) < len(operations)  # keys shared transactions
    assert max(len(group) for group in groups) > 1
    owner = world.users["admin"]
    for i, answer in enumerate(answers):
        stored = find_key(engine, owner, f"k{i}")
        assert stored is not None
        assert (stored.status_code, stored.body) == (201, answer.content)  # its own answer

    again = asyncio.run(post_all())  # the same keys and bodies: the stored answers

    assert [a.content for a in again] == [a.content for a in answers]
    with engine.connect() as conn:
        count = conn.execute(sa.text("select count(*) from leads where last_name like 'Keyed%'"))
        assert count.scalar_one() == len(bodies)
