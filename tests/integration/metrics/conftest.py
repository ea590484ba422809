"""Metrics tests run on every backend: SQLite and PostgreSQL stores, and DuckDB loaded from a
SQLite store."""

from __future__ import annotations

import pytest


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("duckdb", id="duckdb"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def metrics_backend(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(store URL, Ibis backend): a fresh empty store and the backend metrics run on."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url")), "postgres"
    return str(request.getfixturevalue("sqlite_url")), request.param
