"""Fixtures for the API: a seeded store (``api_world``) and a client over the example spec."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_world import EXAMPLES, WEBHOOK_SECRET, World, seed_world
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from l2o.entrypoints.api import create_api
from l2o.entrypoints.api.config import ApiSettings


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    settings = ApiSettings(
        inbound_webhook_secret=WEBHOOK_SECRET,
        data_dir=tmp_path / "data",
        max_body_bytes=20_000,
        page_size=2,
        max_page_size=3,
    )
    app = create_api(engine, spec=EXAMPLES / "revenue-machine.yaml", settings=settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
