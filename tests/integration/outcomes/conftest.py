"""Fixtures for outcomes over the store: a simulated company's CSV set, and a store (on each
backend) the neutral importer filled from it, duplicates merged as an import merges them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from l2o.ingest import adapter_for
from l2o.services.import_dedupe import dedupe_imported
from l2o.services.importing import import_directory
from l2o.simulate import simulate, write_csv
from l2o.store import engine_for, upgrade


@pytest.fixture(scope="session")
def company_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The neutral CSV set of a simulated company of 1,500 leads over two years."""
    directory = tmp_path_factory.mktemp("outcomes-company")
    write_csv(simulate("defined", {}, leads=1_500, months=24, seed=4), directory)
    return directory


@pytest.fixture
def company_store(database_url: str, company_csv: Path) -> Iterator[Engine]:
    """A store on each backend holding ``company_csv``, imported with dedupe."""
    engine = engine_for(database_url)
    upgrade(engine)
    summary = import_directory(engine, company_csv, adapter_for("neutral"), dedupe=dedupe_imported)
    assert summary.total.quarantined == 0  # every row is in the store: the inputs compare
    yield engine
    engine.dispose()
