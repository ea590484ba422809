"""Fixtures for import tests: a migrated store on each backend and small simulated companies."""

from __future__ import annotations

from pathlib import Path

import pytest

from l2o.simulate import simulate, write_csv


@pytest.fixture(scope="session")
def company_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated company (about 2,000 leads) as the neutral CSV set; read-only."""
    directory = tmp_path_factory.mktemp("company")
    write_csv(simulate("defined", {}, leads=2_000, months=12, seed=3), directory)
    return directory
