"""Small simulated companies shared by the simulate tests (built once per session)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from l2o.simulate import DIMENSIONS, Maturity, SimulatedCompany, simulate

LEADS = 20_000


def at_level(dimension: str, level: int, seed: int = 11) -> SimulatedCompany:
    """A company with every dimension at 2 except ``dimension`` at ``level``."""
    levels = dict.fromkeys(DIMENSIONS, 2)
    levels[dimension] = level
    return simulate("defined", Maturity(**levels, technology=2), leads=LEADS, seed=seed)


_CACHE: dict[tuple[str, int], SimulatedCompany] = {}


@pytest.fixture(scope="session")
def company_at() -> Callable[[str, int], SimulatedCompany]:
    """``company_at("pricing", 0)``: a cached company with one dimension set."""

    def get(dimension: str, level: int) -> SimulatedCompany:
        key = (dimension, level)
        if key not in _CACHE:
            _CACHE[key] = at_level(dimension, level)
        return _CACHE[key]

    return get


@pytest.fixture(scope="session")
def defined() -> SimulatedCompany:
    """A ``defined`` company of 20,000 leads."""
    return simulate("defined", leads=LEADS, seed=5)
