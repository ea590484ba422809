"""``l2o serve``: one process serving the dashboard at / and the API at /api."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from l2o.entrypoints.server import build_ahead, create_app
from l2o.services.access import add_user, create_token
from l2o.store import engine_for, upgrade

EXAMPLE_SPEC = Path(__file__).resolve().parents[2] / "examples" / "revenue-machine.yaml"


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(engine_for(url))
    return url


def test_the_app_serves_the_dashboard_and_the_api_side_by_side(store: str) -> None:
    engine = engine_for(store)
    token = create_token(engine, add_user(engine, name="Ada Admin", access_role="admin"))
    client = TestClient(create_app(engine, spec=EXAMPLE_SPEC), follow_redirects=False)

    assert client.get("/api/health").status_code == 200
    assert client.get("/openapi.json").headers["location"] == "/api/openapi.json"
    assert "/users" in client.get("/api/openapi.json").json()["paths"]
    assert client.get("/api/users").status_code == 401
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["name"] == "Ada Admin"
    page = client.get("/")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin")
    assert "<form" in client.get("/signin").text


def test_the_revenue_system_is_built_as_the_server_starts_not_on_the_first_request(
    store: str,
) -> None:
    app = create_app(engine_for(store), spec=EXAMPLE_SPEC)
    context = app.api.state.l2o  # type: ignore[attr-defined]
    assert context._system is None  # built on first use...

    build_ahead(app)  # ...or as the server starts

    assert context._system is not None
    assert context.system() is context._system


def test_a_spec_the_system_cannot_be_built_from_is_left_for_the_requests_to_report(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)  # no architecture.yaml here, and no L2O_SPEC
    monkeypatch.delenv("L2O_SPEC", raising=False)
    engine = engine_for(store)
    token = create_token(engine, add_user(engine, name="Ada Admin", access_role="admin"))
    app = create_app(engine)

    build_ahead(app)  # does not stop the server starting

    assert "built on the first request" in caplog.text
    answer = TestClient(app).post(
        "/api/leads", json={"last_name": "Lane"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code >= 400
    assert "architecture.yaml" in answer.text


def test_a_settled_server_heap_is_frozen_and_collected_less_often() -> None:
    script = (
        "import gc; from l2o.entrypoints.serving import settle_heap; settle_heap(); "
        "print(gc.get_freeze_count() > 0, gc.get_threshold()[0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "7000"]


def test_api_requests_reach_the_api_as_mounted_and_the_rest_the_dashboard(store: str) -> None:
    engine = engine_for(store)
    token = create_token(engine, add_user(engine, name="Ada Admin", access_role="admin"))
    client = TestClient(create_app(engine, spec=EXAMPLE_SPEC), follow_redirects=False)
    signed = {"Authorization": f"Bearer {token}"}

    document = client.get("/api/openapi.json").json()
    assert document["servers"] == [{"url": "/api"}]  # the API sees the mount's root path
    paths = list(document["paths"])
    assert paths.index("/accounts") < paths.index("/leads/{record_id}/touchpoints")
    assert client.get("/api").headers["location"].endswith("/api/")
    assert client.get("/docs").headers["location"] == "/api/docs"
    missing = client.get("/api/nothing-here", headers=signed)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert client.get("/nothing-here").headers["content-type"] != "application/problem+json"
    lead = client.post("/api/leads", json={"last_name": "Via", "route": False}, headers=signed)
    assert lead.status_code == 201
    assert client.get(f"/api/leads/{lead.json()['lead_id']}", headers=signed).status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_l2o_serve_answers_on_its_port(store: str) -> None:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "l2o"), "serve", "--port", str(port),
               "--db", store, "--spec", str(EXAMPLE_SPEC)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "l2o serve did not start within 60 s"
                time.sleep(0.3)
        assert answer.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/signin", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_l2o_serve_with_two_workers_answers_and_stops_them_all(store: str) -> None:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "l2o"), "serve", "--port", str(port),
               "--workers", "2", "--db", store, "--spec", str(EXAMPLE_SPEC)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        answers = []
        while len(answers) < 20:
            try:
                with httpx.Client(timeout=5) as client:  # a new connection each time
                    answers.append(client.get(f"http://127.0.0.1:{port}/api/health"))
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "l2o serve --workers 2 did not start in 90 s"
                time.sleep(0.3)
        assert {answer.status_code for answer in answers} == {200}
    finally:
        server.terminate()
        server.wait(timeout=30)
    with socket.socket() as probe:  # every worker let go of the port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
