"""Fixtures for assessment tests: a migrated store on each backend, a small simulated company."""

from __future__ import annotations

from pathlib import Path

import pytest

from l2o.simulate import simulate, write_csv


@pytest.fixture(scope="session")
def company_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated revenue machine (about 1,500 leads) as the neutral CSV set."""
    directory = tmp_path_factory.mktemp("assess-company")
    write_csv(simulate("revenue-machine", {}, leads=1_500, months=24, seed=5), directory)
    return directory
