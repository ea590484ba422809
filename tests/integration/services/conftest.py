"""Fixtures for the revenue services: a migrated store on each backend, the example spec
with a fixed clock, and a small company to sell to."""

from __future__ import annotations

import pytest
from revenue_builders import EXAMPLES, T0, Company, seed_company
from sqlalchemy.engine import Engine

from l2o.services.bootstrap import RevenueSystem


@pytest.fixture
def system(engine: Engine) -> RevenueSystem:
    """The revenue-machine example over the store, with the clock stopped at ``T0``."""
    return RevenueSystem.build(EXAMPLES / "revenue-machine.yaml", engine, clock=lambda: T0)


@pytest.fixture
def company(engine: Engine) -> Company:
    """The seeded company, its deal in discovery and not yet qualified."""
    return seed_company(engine)
