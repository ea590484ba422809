"""A fresh, migrated store per example, for state-machine tests that need many of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.store import engine_for, upgrade


def fresh_stores(database_url: str, tmp_path: Path, name: str) -> Iterator[Engine]:
    """Engines on new, migrated stores on the test's backend: a new SQLite file each time
    (``NAME-1.db``, ``NAME-2.db``...), or the test's PostgreSQL database emptied again."""
    number = 0
    while True:
        number += 1
        if database_url.startswith("sqlite"):
            engine = engine_for(f"sqlite:///{tmp_path / f'{name}-{number}.db'}")
        else:
            engine = engine_for(database_url)
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade(engine)
        yield engine
