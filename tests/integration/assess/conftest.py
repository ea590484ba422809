"""Fixtures for assessment tests: a migrated store on each backend, a small simulated company."""

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
    """A small simulated revenue machine (about 1,500 leads) as the neutral CSV set."""
    directory = tmp_path_factory.mktemp("assess-company")
    write_csv(simulate("revenue-machine", {}, leads=1_500, months=24, seed=5), directory)
    return directory
