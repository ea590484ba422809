"""OWASP API Top 10 as they apply: authentication, object-level (BOLA) and function-level
(BFLA) authorization, mass assignment, SSRF - plus problem+json refusals, idempotency,
pagination caps and size limits, through the real app on SQLite and PostgreSQL."""

from __future__ import annotations

from api_world import World, auth
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine


def test_every_record_endpoint_needs_a_valid_token(client: TestClient, world: World) -> None:
    for path in ("/opportunities", f"/opportunities/{world.east_deal}", "/me", "/leads"):
        missing = client.get(path)
        assert missing.status_code == 401, path
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["rule"] == "auth.token"
        assert client.get(path, headers=auth("l2o_not-a-token")).status_code == 401
    assert client.get("/me", headers=auth(world.tokens["rep_east"])).json()["access_role"] == "rep"


def test_a_rep_cannot_read_or_change_another_teams_deal_by_id(
    client: TestClient, world: World
) -> None:
    rep = auth(world.tokens["rep_east"])
    assert client.get(f"/opportunities/{world.east_deal}", headers=rep).status_code == 200
    read = client.get(f"/opportunities/{world.west_deal}", headers=rep)
    assert read.status_code == 404
    assert read.json()["rule"] == "scope"
    change = client.patch(f"/opportunities/{world.west_deal}", json={"next_step": "x"}, headers=rep)
    assert change.status_code == 404
    advance = client.post(
        f"/opportunities/{world.west_deal}/advance", json={"to_stage": "closed_lost"}, headers=rep
    )
    assert advance.status_code == 404
    listed = client.get("/opportunities", headers=rep).json()
    assert [o["id"] for o in listed["items"]] == [world.east_deal]
    # The rep's manager sees the rep's deal (the chain), not the other team's.
    manager = auth(world.tokens["manager_east"])
    assert client.get(f"/opportunities/{world.east_deal}", headers=manager).status_code == 200
    assert client.get(f"/opportunities/{world.west_deal}", headers=manager).status_code == 404


def test_a_rep_cannot_approve_and_a_viewer_cannot_write(client: TestClient, world: World) -> None:
    rep = client.post(
        f"/quotes/{world.quote}/approve", json={}, headers=auth(world.tokens["rep_east"])
    )
    assert rep.status_code == 403
    assert rep.json()["rule"] == "permission.approval:decide"
    viewer = auth(world.tokens["viewer"])
    assert client.get(f"/opportunities/{world.west_deal}", headers=viewer).status_code == 200
    edit = client.patch(
        f"/opportunities/{world.west_deal}", json={"next_step": "x"}, headers=viewer
    )
    assert edit.status_code == 403
    assert (
        client.post(
            "/users",
            json={"name": "X", "access_role": "admin"},
            headers=auth(world.tokens["manager_east"]),
        ).status_code
        == 403
    )


def test_guarded_fields_cannot_be_mass_assigned(client: TestClient, world: World) -> None:
    rep = auth(world.tokens["rep_east"])
    path = f"/opportunities/{world.east_deal}"
    sneaky = client.patch(
        path,
        json={"next_step": "demo", "owner_id": world.users["rep_west"], "stage": "closed_won"},
        headers=rep,
    )
    assert sneaky.status_code == 422
    body = sneaky.json()
    assert body["rule"] == "write_guard"
    assert {r["rule"] for r in body["reasons"]} == {
        "write_guard.opportunity.owner_id",
        "write_guard.opportunity.stage",
    }
    deal = client.get(path, headers=rep).json()
    assert (deal["owner_id"], deal["stage"], deal["next_step"]) == (
        world.users["rep_east"],
        "discovery",
        None,
    )
    fine = client.patch(path, json={"next_step": "demo"}, headers=rep)
    assert fine.status_code == 200
    assert fine.json()["next_step"] == "demo"
    discount = client.patch(f"/quotes/{world.quote}", json={"discount_pct": 40}, headers=rep)
    assert discount.status_code == 422
    assert discount.json()["reasons"][0]["rule"] == "write_guard.quote.discount_pct"


def test_a_refused_stage_advance_is_a_problem_listing_every_missing_criterion(
    client: TestClient, world: World
) -> None:
    refused = client.post(
        f"/opportunities/{world.east_deal}/advance",
        json={"to_stage": "solution_validation"},
        headers=auth(world.tokens["rep_east"]),
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["rule"].startswith("gate.")
    assert problem["record_id"] == world.east_deal
    texts = [r["text"] for r in problem["reasons"]]
    assert any("next_step" in t for t in texts)
    assert len(texts) >= 2


def test_a_webhook_cannot_point_at_a_private_address(client: TestClient, world: World) -> None:
    admin = auth(world.tokens["admin"])
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest",
        "http://10.0.0.7/",
        "http://[::ffff:127.0.0.1]/",
        "file:///etc/passwd",
    ):
        answer = client.post(
            "/webhooks/endpoints", json={"name": "crm", "url": url, "events": ["*"]}, headers=admin
        )
        assert answer.status_code == 422, url
        assert answer.json()["rule"] == "webhook.target"
    assert client.get("/webhooks/endpoints", headers=admin).json() == []


def test_the_same_idempotency_key_gives_the_same_answer_and_a_different_body_is_refused(
    client: TestClient, world: World
) -> None:
    admin = auth(world.tokens["admin"], **{"Idempotency-Key": "k-1"})
    body = {"name": "Nia New", "access_role": "rep"}
    first = client.post("/users", json=body, headers=admin)
    again = client.post("/users", json=body, headers=admin)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    people = client.get("/users", params={"limit": 3}, headers=auth(world.tokens["admin"])).json()
    assert people["total"] == len(world.users) + 1  # created once
    other = client.post("/users", json={**body, "name": "Other"}, headers=admin)
    assert other.status_code == 422
    assert other.json()["rule"] == "idempotency.mismatch"
    # Keys are per client: another user's same key runs anew.
    mine = client.post(
        "/users", json=body, headers=auth(world.tokens["admin"], **{"Idempotency-Key": "k-2"})
    )
    assert mine.json()["id"] != first.json()["id"]


def test_pages_are_capped_and_bodies_limited(client: TestClient, world: World) -> None:
    admin = auth(world.tokens["admin"])
    page = client.get("/users", params={"limit": 1000}, headers=admin).json()
    assert (page["limit"], len(page["items"])) == (3, 3)
    assert page["total"] == len(world.users)
    rest = client.get("/users", params={"limit": 3, "offset": 3}, headers=admin).json()
    assert len(rest["items"]) == len(world.users) - 3
    big = client.patch(
        f"/opportunities/{world.east_deal}", json={"next_step": "x" * 30_000}, headers=admin
    )
    assert big.status_code == 413
    assert big.json()["rule"] == "request.size"


def test_nul_characters_are_refused_not_a_server_error(
    client: TestClient, world: World, engine: Engine
) -> None:
    admin = auth(world.tokens["admin"])
    query = client.get("/approvals", params={"approver_role": "deal\x00desk"}, headers=admin)
    assert query.status_code == 422
    assert query.json()["rule"] == "request.nul"
    assert client.get("/opportunities/abc%00", headers=admin).status_code == 422
    body = client.patch(
        f"/opportunities/{world.east_deal}", json={"next_step": "call\x00back"}, headers=admin
    )
    if engine.dialect.name == "postgresql":  # cannot store it: the client's value is refused
        assert body.status_code == 422
        assert body.json()["rule"] == "request.value"
    else:
        assert body.status_code == 200
