"""Fixtures for the dashboard tests: a migrated store with a small company (or with a
simulated company's outcomes), the dashboard app over it, and (for the browser tests) the
app served by uvicorn on a loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from outcomes_company import OutcomesDashboard, seed_outcomes_company, write_outcomes_csv
from web_company import SPEC, Dashboard, seed_web_company

from l2o.entrypoints.web import create_router, mount_static
from l2o.services.bootstrap import RevenueSystem
from l2o.store import engine_for, upgrade


@pytest.fixture
def dashboard(database_url: str) -> Iterator[Dashboard]:
    """The dashboard over a freshly seeded store, on SQLite and PostgreSQL in turn."""
    engine = engine_for(database_url)
    upgrade(engine)
    system = RevenueSystem.build(SPEC, engine, source="web")
    company = seed_web_company(engine, system)
    app = FastAPI()
    app.include_router(create_router(engine, spec=system))
    mount_static(app)
    yield Dashboard(app, engine, company)
    engine.dispose()


@pytest.fixture(scope="session")
def outcomes_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulated company's CSV set, written once per session."""
    return write_outcomes_csv(tmp_path_factory.mktemp("web-outcomes"))


@pytest.fixture
def outcomes_dashboard(database_url: str, outcomes_csv: Path) -> Iterator[OutcomesDashboard]:
    """The dashboard over a store holding the simulated company, on each backend in turn."""
    engine = engine_for(database_url)
    upgrade(engine)
    tokens = seed_outcomes_company(engine, outcomes_csv)
    app = FastAPI()
    app.include_router(create_router(engine, spec=SPEC))
    mount_static(app)
    yield OutcomesDashboard(app, engine, tokens)
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(dashboard: Dashboard) -> Iterator[tuple[str, Dashboard]]:
    """The dashboard served by uvicorn on a free loopback port, in a thread."""
    with _serving(dashboard.app) as base:
        yield base, dashboard


@pytest.fixture
def outcomes_served(
    outcomes_dashboard: OutcomesDashboard,
) -> Iterator[tuple[str, OutcomesDashboard]]:
    """The outcomes company's dashboard served by uvicorn on a free loopback port."""
    with _serving(outcomes_dashboard.app) as base:
        yield base, outcomes_dashboard


@contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the dashboard server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
