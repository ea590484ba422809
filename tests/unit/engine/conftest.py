"""Fixtures for the engine tests: the two example specs, loaded once."""

from __future__ import annotations

import pytest
from engine_builders import example

from l2o.spec import ArchitectureSpec


@pytest.fixture(scope="session")
def revenue_machine() -> ArchitectureSpec:
    """The well-architected example company."""
    return example("revenue-machine")


@pytest.fixture(scope="session")
def founder_led() -> ArchitectureSpec:
    """The founder-led example company."""
    return example("founder-led")
