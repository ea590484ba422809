"""POST /leads under concurrency: leads arriving together are stored as a group, each request
still gets its own lead's answer, a failing lead fails alone, and who a token belongs to is
remembered only for a short time."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from api_world import EXAMPLES, World, add_sdrs, auth
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.entrypoints.api import create_api
from l2o.entrypoints.api import lead_intake as intake_module
from l2o.entrypoints.api.config import ApiSettings
from l2o.entrypoints.api.grouping import StoreTurns
from l2o.entrypoints.api.principals import KnownPrincipals
from l2o.services import access_idempotency as idempotency
from l2o.services.bootstrap import RevenueSystem
from l2o.store.access import IdempotencyKeys
from l2o.store.schema import users

SPEC = EXAMPLES / "revenue-machine.yaml"


async def _post_together(
    app: object, token: str, bodies: list[dict[str, object]]
) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        return list(
            await asyncio.gather(
                *(client.post("/leads", json=body, headers=auth(token)) for body in bodies)
            )
        )


def test_leads_posted_together_are_stored_together_each_with_its_own_answer(
    engine: Engine, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sdrs = add_sdrs(engine)
    groups: list[int] = []
    real_add_leads = intake_module.add_leads

    def counting(system: RevenueSystem, leads: list[object], **kw: object) -> object:
        groups.append(len(leads))
        return real_add_leads(system, leads, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(intake_module, "add_leads", counting)
    app = create_api(engine, spec=SPEC, settings=ApiSettings(data_dir=tmp_path / "data"))
    bodies: list[dict[str, object]] = [
        {"last_name": f"Lane{i}", "email": f"lane{i}@hooli{i}.example", "country": "US"}
        for i in range(12)
    ]
    answers = asyncio.run(_post_together(app, world.tokens["admin"], bodies))

    assert [a.status_code for a in answers] == [201] * len(bodies), answers[0].text
    assert max(groups) > 1  # at least some leads shared a transaction
    lead_ids = [a.json()["lead_id"] for a in answers]
    assert len(set(lead_ids)) == len(bodies)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                sa.text("select id, last_name from leads where id in :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": lead_ids},
            ).all()
        )
    for body, answer in zip(bodies, answers, strict=True):
        lead = answer.json()
        assert stored[lead["lead_id"]] == body["last_name"]  # its own lead, not a neighbour's
        assert lead["routed"]["lead_id"] == lead["lead_id"]
        assert lead["routed"]["owner_id"] in sdrs


def test_a_lead_that_fails_in_a_group_fails_alone(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_sdrs(engine)
    system = RevenueSystem.build(SPEC, engine, source="api")
    real_add_lead = intake_module.add_lead

    def refusing_batches(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the batch failed")

    def refusing_bob(system: RevenueSystem, command: d.AddLead) -> object:
        if command.last_name == "Bob":
            raise ValueError("Bob is refused")
        return real_add_lead(system, command)

    monkeypatch.setattr(intake_module, "add_leads", refusing_batches)
    monkeypatch.setattr(intake_module, "add_lead", refusing_bob)
    at = system.now()
    admin = world.users["admin"]
    commands = [
        d.AddLead(at=at, last_name=name, requested_by=admin) for name in ("Ann", "Bob", "Cy")
    ]

    results = intake_module.store_group(lambda: system, commands)

    assert isinstance(results[1], ValueError), results
    kept = [r for r in (results[0], results[2]) if not isinstance(r, Exception)]
    assert len(kept) == 2, results
    with engine.connect() as conn:
        names = set(conn.execute(sa.text("select last_name from leads")).scalars())
    assert names == {"Ann", "Cy"}


def test_a_deactivated_user_is_refused_once_the_remembered_principal_expires(
    engine: Engine, world: World
) -> None:
    now = [0.0]
    principals = KnownPrincipals(engine, ttl=5.0, clock=lambda: now[0])
    token = world.tokens["rep_east"]
    assert principals.lookup(token) is not None
    with engine.begin() as conn:
        conn.execute(
            users.update().where(users.c.id == world.users["rep_east"]).values(active=False)
        )
    now[0] = 4.0
    assert principals.lookup(token) is not None  # remembered, within the time allowed
    now[0] = 5.5
    assert principals.lookup(token) is None
    assert principals.lookup("l2o_not-a-token") is None


def test_a_repeated_idempotent_lead_post_stores_one_lead(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    add_sdrs(engine)
    app = create_api(engine, spec=SPEC, settings=ApiSettings(data_dir=tmp_path / "data"))
    body: dict[str, object] = {"last_name": "Once", "country": "US"}

    async def twice() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        headers = auth(world.tokens["admin"], **{"Idempotency-Key": "lead-once"})
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            first = await client.post("/leads", json=body, headers=headers)
            again = await client.post("/leads", json=body, headers=headers)
            return [first, again]

    first, again = asyncio.run(twice())
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    with engine.connect() as conn:
        count = conn.execute(sa.text("select count(*) from leads where last_name = 'Once'"))
        assert count.scalar_one() == 1


def test_concurrent_posts_with_one_idempotency_key_store_one_lead(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    add_sdrs(engine)
    app = create_api(engine, spec=SPEC, settings=ApiSettings(data_dir=tmp_path / "data"))
    body: dict[str, object] = {"last_name": "Racing", "country": "US"}
    headers = auth(world.tokens["admin"], **{"Idempotency-Key": "lead-race"})

    async def together() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            answers = await asyncio.gather(
                *(client.post("/leads", json=body, headers=headers) for _ in range(6))
            )
            after = await client.post("/leads", json=body, headers=headers)
            changed = await client.post(
                "/leads", json={**body, "last_name": "Other"}, headers=headers
            )
            return [*answers, after, changed]

    *answers, after, changed = asyncio.run(together())
    stored = [a for a in answers if a.status_code == 201]
    assert stored, [a.status_code for a in answers]
    assert all(a.status_code == 409 for a in answers if a.status_code != 201)
    assert all(a.json() == stored[0].json() for a in stored)
    assert after.status_code == 201
    assert after.json() == stored[0].json()
    assert changed.status_code == 422
    assert changed.json()["rule"] == "idempotency.mismatch"
    with engine.connect() as conn:
        count = conn.execute(sa.text("select count(*) from leads where last_name = 'Racing'"))
        assert count.scalar_one() == 1


def test_a_keyed_lead_refused_before_its_group_keeps_the_refusal_under_its_key(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    """The key of a ``POST /leads`` is claimed in its lead's group; a request refused before
    it gets there (a body that does not validate) has its key claimed afterwards, with the
    refusal as the key's answer - as for any other POST."""
    add_sdrs(engine)
    app = create_api(engine, spec=SPEC, settings=ApiSettings(data_dir=tmp_path / "data"))
    bad: dict[str, object] = {"last_name": "Bad", "country": "USA"}  # not a two-letter code
    headers = auth(world.tokens["admin"], **{"Idempotency-Key": "lead-bad"})

    async def posts() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            first = await client.post("/leads", json=bad, headers=headers)
            again = await client.post("/leads", json=bad, headers=headers)
            fixed = await client.post("/leads", json={**bad, "country": "US"}, headers=headers)
            return [first, again, fixed]

    first, again, fixed = asyncio.run(posts())
    assert first.status_code == again.status_code == 422
    assert again.content == first.content
    assert fixed.status_code == 422
    assert fixed.json()["rule"] == "idempotency.mismatch"  # the key holds the refusal
    stored = idempotency.find_key(engine, world.users["admin"], "lead-bad")
    assert stored is not None
    assert (stored.status_code, stored.body) == (422, first.content)
    with engine.connect() as conn:
        count = conn.execute(sa.text("select count(*) from leads where last_name = 'Bad'"))
        assert count.scalar_one() == 0


def test_a_keyed_lead_that_fails_lets_its_key_go_for_a_retry(
    engine: Engine, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claimed in its group, the key of a lead that could not be stored (a 5xx) is released:
    the retry with the same key adds the lead."""
    add_sdrs(engine)
    app = create_api(engine, spec=SPEC, settings=ApiSettings(data_dir=tmp_path / "data"))
    body: dict[str, object] = {"last_name": "Retried", "country": "US"}
    headers = auth(world.tokens["admin"], **{"Idempotency-Key": "lead-retry"})
    real_store_group = intake_module.store_group

    def store_nothing(*args: object, **kw: object) -> list[Exception]:
        return [RuntimeError("the store went away")]

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            return await client.post("/leads", json=body, headers=headers)

    monkeypatch.setattr(intake_module, "store_group", store_nothing)
    failed = asyncio.run(post())
    assert failed.status_code == 500
    assert idempotency.find_key(engine, world.users["admin"], "lead-retry") is None

    monkeypatch.setattr(intake_module, "store_group", real_store_group)
    retried = asyncio.run(post())
    assert retried.status_code == 201
    stored = idempotency.find_key(engine, world.users["admin"], "lead-retry")
    assert stored is not None
    assert (stored.status_code, stored.body) == (201, retried.content)


def test_a_key_released_while_it_is_looked_up_is_claimed_again(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = world.users["admin"]
    assert idempotency.claim_key(engine, owner, "k-held", "f1", "POST", "/leads")
    held = idempotency.claim_or_find(engine, owner, "k-held", "f2", "POST", "/leads")
    assert held is not None
    assert held.in_progress
    assert held.fingerprint == "f1"

    real_find = IdempotencyKeys.find_each

    def released_first(keys: IdempotencyKeys, refs: list[tuple[str, str]]) -> object:
        keys.release_each(refs)  # their requests failed meanwhile
        return real_find(keys, refs)

    monkeypatch.setattr(IdempotencyKeys, "find_each", released_first)
    assert idempotency.claim_or_find(engine, owner, "k-held", "f2", "POST", "/leads") is None
    monkeypatch.setattr(IdempotencyKeys, "find_each", real_find)
    mine = idempotency.claim_or_find(engine, owner, "k-held", "f3", "POST", "/leads")
    assert mine is not None
    assert mine.fingerprint == "f2"


def test_worker_processes_take_turns_on_sqlite_only(engine: Engine) -> None:
    turns = StoreTurns.for_store(engine)
    if engine.dialect.name == "sqlite":
        # Two groups committing at once would both read the pools' state: they take turns.
        assert isinstance(turns, StoreTurns)
    else:
        # A server's batch locks the pools' state row itself (FOR UPDATE) when it routes.
        assert turns is None
