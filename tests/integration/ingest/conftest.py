"""Fixtures for import tests: a migrated store on each backend and small simulated companies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from l2o.simulate import simulate, write_csv
from l2o.store import engine_for, upgrade


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty store on SQLite and on PostgreSQL."""
    engine = engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def company_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated company (about 2,000 leads) as the neutral CSV set; read-only."""
    directory = tmp_path_factory.mktemp("company")
    write_csv(simulate("defined", {}, leads=2_000, months=12, seed=3), directory)
    return directory
