"""Pooled connections to a PostgreSQL server: one that sat idle is checked before reuse, and
one the server dropped is replaced instead of failing the next unit of work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.store import engine as store_engine
from l2o.store import engine_for


@pytest.fixture
def server(postgres_url: str) -> Iterator[Engine]:
    engine = engine_for(postgres_url)
    yield engine
    engine.dispose()


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def test_an_idle_connection_the_server_dropped_is_replaced(
    server: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two pooled connections: the one to be dropped, and one to drop it from.
    first = server.connect()
    dropped = _backend_of(first)
    _drop_from_other(server, dropped)
    first.close()
    monkeypatch.setattr(store_engine, "IDLE_BEFORE_PING", 0.0)  # every reuse is checked
    for _ in range(2):  # whichever pooled connection comes out, the next work succeeds
        assert _backend(server) != dropped


def test_a_connection_back_in_use_at_once_is_not_checked(server: Engine) -> None:
    first = server.connect()
    dropped = _backend_of(first)
    _drop_from_other(server, dropped)
    first.close()
    # Reused within IDLE_BEFORE_PING, the dropped connection fails its first use - and the
    # pool replaces it, so the work after that succeeds.
    assert _backend(server) != dropped  # the pool hands out the other connection first
    with pytest.raises(sa.exc.OperationalError):
        _backend(server)
    assert _backend(server) != dropped


def _backend_of(conn: sa.Connection) -> int:
    """``conn``'s server process, leaving no transaction open on it."""
    backend = int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
    conn.commit()
    return backend


def _drop_from_other(server: Engine, backend: int) -> None:
    with server.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        other.commit()
