"""``l2o users add`` and ``l2o token create`` through the real CLI, then the token at work
against the API: who it belongs to, what their role lets them do, and what is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from l2o.entrypoints.api import create_api
from l2o.entrypoints.cli import app
from l2o.entrypoints.server import create_app
from l2o.store import engine_for, upgrade

pytestmark = pytest.mark.e2e

runner = CliRunner()
EXAMPLE_SPEC = Path(__file__).resolve().parents[2] / "examples" / "revenue-machine.yaml"


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'access.db'}"
    engine = engine_for(url)
    upgrade(engine)
    engine.dispose()
    return url


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_a_user_added_and_given_a_token_on_the_cli_can_use_the_api(store: str) -> None:
    manager_id = _cli("users", "add", "Max Manager", "--role", "manager", "--db", store)
    rep_id = _cli(
        "users",
        "add",
        "Rita Rep",
        "--role",
        "rep",
        "--email",
        "rita@example.com",
        "--manager",
        manager_id,
        "--team",
        "east",
        "--db",
        store,
    )
    token = _cli("token", "create", "rita@example.com", "--db", store)
    assert token.startswith("l2o_")
    engine = engine_for(store)
    with engine.connect() as conn:  # only the digest is kept
        stored = conn.execute(sa.text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]

    client = TestClient(create_api(engine, spec=EXAMPLE_SPEC), raise_server_exceptions=False)
    bearer = {"Authorization": f"Bearer {token}"}
    me = client.get("/me", headers=bearer)
    assert me.status_code == 200
    assert me.json() == {
        "user_id": rep_id,
        "name": "Rita Rep",
        "access_role": "rep",
        "team": "east",
    }
    assert client.get("/opportunities", headers=bearer).status_code == 200
    refused = client.post("/users", json={"name": "X", "access_role": "admin"}, headers=bearer)
    assert refused.status_code == 403
    assert refused.json()["rule"] == "permission.user:admin"
    assert client.get("/me", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
    engine.dispose()


def test_an_unknown_role_or_user_is_refused_in_one_line(store: str) -> None:
    role = runner.invoke(app, ["users", "add", "Eve", "--role", "owner", "--db", store])
    assert role.exit_code == 1
    assert "--role 'owner' is unknown" in role.output
    assert "rep" in role.output
    nobody = runner.invoke(app, ["token", "create", "nobody@example.com", "--db", store])
    assert nobody.exit_code == 1
    assert "nobody@example.com" in nobody.output
    assert "Traceback" not in nobody.output
    manager = runner.invoke(
        app, ["users", "add", "Ann", "--role", "rep", "--manager", "missing", "--db", store]
    )
    assert manager.exit_code == 1
    assert "missing" in manager.output


def test_uploads_keep_their_own_size_limit_under_the_api_prefix(store: str) -> None:
    engine = engine_for(store)
    _cli(
        "users", "add", "Ada Admin", "--role", "admin", "--email", "ada@example.com", "--db", store
    )
    token = _cli("token", "create", "ada@example.com", "--db", store)
    client = TestClient(create_app(engine, spec=EXAMPLE_SPEC), raise_server_exceptions=False)
    header = "id,name,domain,industry,employees,annual_revenue,country,created_at\n"
    rows = "".join(
        f"AC-{i},Firm {i},firm{i}.example,Retail,10,,US,2024-01-02T00:00:00Z\n"
        for i in range(20_000)
    )  # over the 1 MB JSON limit, under the upload limit
    body = (header + rows).encode()
    assert len(body) > 1_000_000
    answer = client.post(
        "/api/imports",
        files={"files": ("accounts.csv", body, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text[:500]
    too_big = client.patch(
        "/api/opportunities/x",
        json={"next_step": "x" * 1_100_000},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert too_big.status_code == 413
    engine.dispose()
