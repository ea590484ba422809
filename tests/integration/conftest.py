"""Fixtures every integration test folder shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a fresh database migrated to head (SQLite and PostgreSQL in turn)."""
    engine = engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    """A unit of work, not yet opened, acting as user ``u-test`` through ``test``."""
    return SqlAlchemyUnitOfWork(engine, actor="u-test", source="test")
