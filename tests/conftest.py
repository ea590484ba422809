"""Shared fixtures: a fresh, empty database per test on each backend.

``database_url`` is parametrised over SQLite and PostgreSQL. The PostgreSQL case needs
``L2O_TEST_POSTGRES_URL`` (``make test`` starts a throwaway server and sets it); without it
the case is skipped, unless ``L2O_REQUIRE_POSTGRES=1``, when a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = PROJECT_ROOT / "examples"
DATASETS_DIR = PROJECT_ROOT.parent / "shared" / "datasets"


def _postgres_admin_url() -> str | None:
    url = os.environ.get("L2O_TEST_POSTGRES_URL")
    if url:
        return url
    if os.environ.get("L2O_REQUIRE_POSTGRES") == "1":
        pytest.fail("L2O_REQUIRE_POSTGRES=1 but L2O_TEST_POSTGRES_URL is not set")
    return None


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file URL in a fresh temporary directory (the file does not exist yet)."""
    return f"sqlite:///{tmp_path / 'l2o.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A freshly created, empty PostgreSQL database, dropped after the test."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("no PostgreSQL server: set L2O_TEST_POSTGRES_URL (make test does)")
    import sqlalchemy as sa

    name = f"l2o_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh empty database on each backend in turn: every store test runs on both."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))
