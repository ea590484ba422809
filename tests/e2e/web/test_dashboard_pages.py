"""The dashboard's pages per role (FastAPI's TestClient, SQLite and PostgreSQL): a page a role
may not see is left out of the navigation and its URL answers 403; a rep sees their own
deals only; nobody signed in is sent to sign in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web_company import Dashboard

pytestmark = pytest.mark.e2e

PAGES = {
    "/index": "assessment:read",
    "/pipeline": "pipeline:read",
    "/exceptions": "pipeline:read",
    "/approvals": "approval:decide",
    "/leads": "lead:read",
    "/routing": "routing:read",
    "/revenue": "forecast:read",
    "/forecast": "forecast:read",
    "/attribution": "forecast:read",
    "/questionnaire": "assessment:run",
    "/audit": "audit:read",
}


def _client(dashboard: Dashboard, role: str) -> TestClient:
    client = TestClient(dashboard.app)
    response = client.post(
        "/signin", data={"token": dashboard.company.tokens[role]}, follow_redirects=False
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    return client


@pytest.mark.parametrize("role", ["admin", "manager_a", "rep_a", "approver", "viewer"])
def test_each_role_sees_exactly_the_pages_it_may(dashboard: Dashboard, role: str) -> None:
    from l2o.services.access import allowed, authenticate

    principal = authenticate(dashboard.engine, dashboard.company.tokens[role])
    assert principal is not None
    client = _client(dashboard, role)
    overview = client.get("/")
    assert overview.status_code == 200
    for path, permission in PAGES.items():
        may = allowed(principal, permission)
        assert client.get(path).status_code == (200 if may else 403), (role, path)
        assert (f'href="{path}"' in overview.text) == may, (role, path)


def test_a_rep_sees_only_their_deals(dashboard: Dashboard) -> None:
    company = dashboard.company
    client = _client(dashboard, "rep_a")
    board = client.get("/pipeline").text
    assert "Globex platform" in board
    assert "Initech expansion" not in board
    assert client.get(f"/deals/{company.deal_a}").status_code == 200
    assert client.get(f"/deals/{company.deal_b}").status_code == 403
    moved = client.post(f"/deals/{company.deal_b}/advance", data={"to_stage": "negotiation"})
    assert moved.status_code == 403


def test_a_refused_move_names_every_missing_criterion(dashboard: Dashboard) -> None:
    client = _client(dashboard, "rep_a")
    refused = client.post(
        f"/deals/{dashboard.company.deal_a}/advance",
        data={"to_stage": "solution_validation"},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 409
    assert "gate.discovery.exit" in refused.text
    assert "discovery: next_step is empty" in refused.text
    assert "<html" not in refused.text  # an htmx answer is the fragment alone


def test_an_approver_decides_through_the_service(dashboard: Dashboard) -> None:
    client = _client(dashboard, "approver")
    page = client.get("/approvals").text
    assert "Globex platform" in page
    approval_id = page.split("/approvals/")[1].split("/decide")[0]
    rejected = client.post(f"/approvals/{approval_id}/decide", data={"decision": "reject"})
    assert rejected.status_code == 409
    assert "say why" in rejected.text
    approved = client.post(f"/approvals/{approval_id}/decide", data={"decision": "approve"})
    assert approved.status_code == 200
    assert "Approved" in approved.text
    assert client.get("/approvals").text.count("/decide") == 0


def test_nobody_signed_in_is_sent_to_sign_in(dashboard: Dashboard) -> None:
    client = TestClient(dashboard.app)
    for path in ["/", *PAGES]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/signin"
    assert client.post("/signin", data={"token": "l2o_wrong"}).status_code == 401
    signed = _client(dashboard, "viewer")
    signed.post("/signout")
    assert signed.get("/", follow_redirects=False).status_code == 303
