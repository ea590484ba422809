"""The API's commands and operations as their users meet them: a quote through its approval
chain (nobody approves their own), a lead routed and touched, usage recorded, an import with
its quarantine, assessments run and compared and downloaded, metrics, and signed inbound
webhooks."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from api_world import EXAMPLES, World, auth, signed
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.services.access import add_user, create_token
from l2o.services.bootstrap import RevenueSystem
from l2o.services.quotes import draft_quote


def _quote(engine: Engine, world: World, owner: str) -> str:
    """A quote by ``owner`` on the east deal with a 15% discount: a sales manager approves it."""
    system = RevenueSystem.build(EXAMPLES / "revenue-machine.yaml", engine, source="test")
    quote = draft_quote(
        system,
        d.DraftQuote(
            opportunity_id=world.east_deal,
            lines=(d.QuoteLineRequest(product="platform", discount_pct=Decimal(15)),),
            at=datetime.now(UTC),
            requested_by=world.users[owner],
        ),
    )
    return quote.id


@pytest.fixture
def priced_quote(engine: Engine, world: World) -> str:
    return _quote(engine, world, "rep_east")


def _approver(engine: Engine) -> dict[str, str]:
    user = add_user(engine, name="Dee Desk", access_role="approver", spec_roles=("sales_manager",))
    return auth(create_token(engine, user))


def test_a_quote_is_submitted_then_approved_by_someone_else(
    client: TestClient, world: World, engine: Engine, priced_quote: str
) -> None:
    submitted = client.post(
        f"/quotes/{priced_quote}/submit", json={}, headers=auth(world.tokens["rep_east"])
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["outstanding"] == ["sales_manager"]
    pending = client.get(
        "/approvals", params={"quote_id": priced_quote}, headers=auth(world.tokens["admin"])
    ).json()
    assert [a["status"] for a in pending["items"]] == ["pending"]

    approved = client.post(f"/quotes/{priced_quote}/approve", json={}, headers=_approver(engine))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["outstanding"] == []
    quote = client.get(f"/quotes/{priced_quote}", headers=auth(world.tokens["rep_east"])).json()
    assert quote["status"] == "approved"


def test_nobody_approves_their_own_quote(client: TestClient, world: World, engine: Engine) -> None:
    priced_quote = _quote(engine, world, "manager_east")
    manager = auth(world.tokens["manager_east"])  # holds sales_manager and may decide
    assert client.post(f"/quotes/{priced_quote}/submit", json={}, headers=manager).is_success
    refused = client.post(f"/quotes/{priced_quote}/approve", json={}, headers=manager)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["rule"] == "approval.self"
    assert any("own quote" in r["text"] for r in problem["reasons"])
    approvals = client.get(
        "/approvals", params={"quote_id": priced_quote}, headers=auth(world.tokens["admin"])
    ).json()
    assert [a["status"] for a in approvals["items"]] == ["pending"]
    assert (problem["record_type"], problem["record_id"]) == (
        "Approval",
        approvals["items"][0]["id"],
    )


def test_lists_filter_on_their_own_fields(
    client: TestClient, world: World, priced_quote: str
) -> None:
    admin = auth(world.tokens["admin"])
    on_east = client.get("/quotes", params={"opportunity_id": world.east_deal}, headers=admin)
    assert {q["id"] for q in on_east.json()["items"]} == {world.quote, priced_quote}
    on_west = client.get("/quotes", params={"opportunity_id": world.west_deal}, headers=admin)
    assert on_west.json()["total"] == 0
    drafts = client.get("/quotes", params={"status": "draft"}, headers=admin).json()
    assert drafts["total"] == 2
    nonsense = client.get("/quotes", params={"status": "nonsense"}, headers=admin)
    assert (nonsense.status_code, nonsense.json()["total"]) == (200, 0)
    team = client.get("/users", params={"team": "east"}, headers=admin).json()
    assert {u["id"] for u in team["items"]} == {
        world.users["manager_east"],
        world.users["rep_east"],
    }


def test_a_rejection_says_why_and_needs_a_note(
    client: TestClient, world: World, engine: Engine, priced_quote: str
) -> None:
    rep = auth(world.tokens["rep_east"])
    assert client.post(f"/quotes/{priced_quote}/submit", json={}, headers=rep).is_success
    approver = _approver(engine)
    no_note = client.post(f"/quotes/{priced_quote}/reject", json={}, headers=approver)
    assert no_note.status_code == 422
    assert no_note.json()["rule"] == "request.validation"
    rejected = client.post(
        f"/quotes/{priced_quote}/reject", json={"note": "margin too thin"}, headers=approver
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["quote_status"] == "rejected"
    assert client.get(f"/quotes/{priced_quote}", headers=rep).json()["status"] == "rejected"


def test_an_empty_quote_cannot_be_submitted(client: TestClient, world: World) -> None:
    refused = client.post(
        f"/quotes/{world.quote}/submit", json={}, headers=auth(world.tokens["rep_east"])
    )
    assert refused.status_code == 409
    assert refused.json()["rule"] == "quote.empty"


def test_a_lead_is_added_touched_and_routed_with_its_log(
    client: TestClient, world: World, engine: Engine
) -> None:
    sdrs = {
        add_user(engine, name=email, access_role="rep", email=email, coverage_role=d.UserRole.SDR)
        for email in (
            "maya.chen@northwind.example",
            "luis.ortiz@northwind.example",
            "priya.nair@northwind.example",
        )
    }
    admin = auth(world.tokens["admin"])
    added = client.post(
        "/leads",
        json={"last_name": "Lane", "company": "Hooli", "country": "us", "route": False},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    lead_id = added.json()["lead_id"]
    assert added.json()["routed"] is None
    touched = client.post(
        f"/leads/{lead_id}/touchpoints", json={"touch_type": "demo_request"}, headers=admin
    )
    assert touched.status_code == 200, touched.text
    assert touched.json()["engagement"] > added.json()["engagement"]
    routed = client.post(f"/leads/{lead_id}/route", json={}, headers=admin)
    assert routed.status_code == 200, routed.text
    assignment = routed.json()
    assert assignment["lead_id"] == lead_id
    assert assignment["owner_id"] in sdrs
    assert assignment["why"]
    log = client.get(f"/leads/{lead_id}/assignments", headers=admin).json()
    assert [a["id"] for a in log] == [assignment["assignment_id"]]
    # Another rep's lead is out of reach of a rep's touch.
    other = client.post(
        f"/leads/{lead_id}/touchpoints",
        json={"touch_type": "email_open"},
        headers=auth(world.tokens["rep_west"]),
    )
    assert other.status_code == 404


def test_usage_is_recorded_and_the_account_rescored(client: TestClient, world: World) -> None:
    admin = auth(world.tokens["admin"])
    account_id = client.get("/accounts", headers=admin).json()["items"][0]["id"]
    answer = client.post(
        f"/accounts/{account_id}/usage",
        json={"metric": "seats_active", "quantity": "42", "occurred_at": "2025-03-01T00:00:00Z"},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["account_id"] == account_id
    missing = client.post(
        "/accounts/nope/usage",
        json={"metric": "seats_active", "quantity": "1", "occurred_at": "2025-03-01T00:00:00Z"},
        headers=admin,
    )
    assert missing.status_code == 404
    rep = client.post(
        f"/accounts/{account_id}/usage",
        json={"metric": "seats_active", "quantity": "1", "occurred_at": "2025-03-01T00:00:00Z"},
        headers=auth(world.tokens["rep_east"]),
    )
    assert rep.status_code == 403


def test_an_upload_is_imported_with_its_refused_rows_in_quarantine(
    client: TestClient, world: World
) -> None:
    admin = auth(world.tokens["admin"])
    csv_text = (
        "id,name,domain,industry,employees,annual_revenue,country,region,tier,icp_score,"
        "owner_id,parent_id,created_at,segment,territory_id,health_score\n"
        "AC-1,Umbrella,umbrella.example,Biotech,120,,US,,,,,,2024-01-02T00:00:00Z,,,\n"
        "AC-2,Cyberdyne,cyberdyne.example,Robotics,lots,,US,,,,,,2024-01-02T00:00:00Z,,,\n"
    )
    files = {"files": ("accounts.csv", io.BytesIO(csv_text.encode()), "text/csv")}
    uploaded = client.post("/imports", files=files, data={"source": "neutral"}, headers=admin)
    assert uploaded.status_code == 201, uploaded.text
    summary = uploaded.json()
    assert summary["rules"] is not None, "the API's spec applies to an upload"
    batch_id = summary["batch_id"]
    status = client.get(f"/imports/{batch_id}", headers=admin)
    assert status.status_code == 200
    assert status.json()["id"] == batch_id
    assert batch_id in [b["id"] for b in client.get("/imports", headers=admin).json()]
    held = client.get(f"/imports/{batch_id}/quarantine", headers=admin).json()
    assert held["total"] == 1
    assert held["items"][0]["raw"]["name"] == "Cyberdyne"
    assert held["items"][0]["rule"]
    wrong = client.post(
        "/imports",
        files={"files": ("notes.txt", io.BytesIO(b"hi"), "text/plain")},
        headers=admin,
    )
    assert wrong.status_code == 422
    assert wrong.json()["rule"] == "import.file_type"
    assert client.get("/imports/missing", headers=admin).status_code == 404
    assert client.get("/imports", headers=auth(world.tokens["rep_east"])).status_code == 403


def test_assessments_are_run_listed_compared_and_downloaded(
    client: TestClient, world: World
) -> None:
    admin = auth(world.tokens["admin"])
    first = client.post("/assessments", json={"name": "day 0"}, headers=admin)
    assert first.status_code == 201, first.text
    second = client.post("/assessments", json={"name": "day 90"}, headers=admin)
    assert second.status_code == 201, second.text
    before, after = first.json()["id"], second.json()["id"]
    listed = client.get("/assessments", headers=admin).json()
    assert [a["id"] for a in listed] == [before, after]
    one = client.get(f"/assessments/{before}", headers=admin)
    assert one.status_code == 200
    assert one.json()["id"] == before
    compared = client.get(
        "/assessments/compare", params={"before": before, "after": after}, headers=admin
    )
    assert compared.status_code == 200, compared.text
    name = first.json()["files"][0]
    download = client.get(f"/assessments/{before}/files/{name}", headers=admin)
    assert download.status_code == 200
    assert download.content
    escape = client.get(f"/assessments/{before}/files/..%2F..%2Fl2o.db", headers=admin)
    assert escape.status_code == 404
    assert client.get("/assessments/none-such", headers=admin).status_code == 404
    rep = auth(world.tokens["rep_east"])
    assert client.post("/assessments", json={}, headers=rep).status_code == 403


def test_metrics_carry_their_definitions(client: TestClient, world: World) -> None:
    answer = client.get(
        "/metrics", params={"as_of": "2025-06-30"}, headers=auth(world.tokens["viewer"])
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()
    unknown = client.get("/metrics", params={"by": "planet"}, headers=auth(world.tokens["admin"]))
    assert unknown.status_code == 422
    assert unknown.json()["rule"] == "metrics.by"


def test_inbound_webhooks_need_a_valid_signature_and_apply_once(
    client: TestClient, world: World
) -> None:
    admin = auth(world.tokens["admin"])
    account_id = client.get("/accounts", headers=admin).json()["items"][0]["id"]
    event = {
        "type": "usage.recorded",
        "data": {
            "account_id": account_id,
            "metric": "seats_active",
            "quantity": "12",
            "occurred_at": "2025-03-01T00:00:00Z",
        },
    }
    body, headers = signed(event, "msg_1")
    accepted = client.post("/webhooks/inbound", content=body, headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["duplicate"] is False
    again = client.post("/webhooks/inbound", content=body, headers=headers)
    assert again.json()["duplicate"] is True

    tampered = body.replace(b'"12"', b'"99"')
    refused = client.post("/webhooks/inbound", content=tampered, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["rule"] == "webhook.signature"
    other_body, other_headers = signed(event, "msg_2")
    forged = {
        **other_headers,
        "webhook-signature": "v1,AAAA" + other_headers["webhook-signature"][7:],
    }
    assert client.post("/webhooks/inbound", content=other_body, headers=forged).status_code == 401
    unsigned = {k: v for k, v in other_headers.items() if k != "webhook-signature"}
    assert client.post("/webhooks/inbound", content=other_body, headers=unsigned).status_code == 422
