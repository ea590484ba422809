"""Fixtures for the spec tests: where the project's example specs and schema live."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def project_root() -> Path:
    """The repository root (holds ``examples/`` and ``schemas/``)."""
    return PROJECT_ROOT


@pytest.fixture
def examples_dir() -> Path:
    """The directory of example architecture specs."""
    return PROJECT_ROOT / "examples"
