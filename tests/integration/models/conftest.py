"""Fixtures for learned-scoring tests: a migrated store per backend, simulated companies."""

from __future__ import annotations

from pathlib import Path

import pytest

from l2o.simulate import simulate, write_csv, write_truth


def _company(directory: Path, profile: str, leads: int, seed: int) -> Path:
    company = simulate(profile, {}, leads=leads, months=24, seed=seed)
    write_csv(company, directory)
    write_truth(company, directory / "truth.json")
    return directory


@pytest.fixture(scope="session")
def machine_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A revenue machine with about 3,000 leads: the neutral CSV set and architecture.yaml."""
    return _company(tmp_path_factory.mktemp("models-machine"), "revenue-machine", 3_000, 5)


@pytest.fixture(scope="session")
def founder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small founder-led company (600 leads): too few outcomes, low AI readiness."""
    return _company(tmp_path_factory.mktemp("models-founder"), "founder-led", 600, 2)
