"""The bulk writer's quick bind processors send exactly what SQLAlchemy's would: on SQLite,
and JSON on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from psycopg.adapt import PyFormat
from sqlalchemy.dialects import postgresql, sqlite

from l2o.store import bulk
from l2o.store.bulk import sqlite_bind_processor
from l2o.store.types import UTCDateTime

DIALECT = sqlite.dialect()
POSTGRESQL = postgresql.dialect(driver="psycopg")


def _both(column_type: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    quick = sqlite_bind_processor(column_type, DIALECT)
    slow = column_type.dialect_impl(DIALECT).bind_processor(DIALECT)
    assert quick is not None
    assert slow is not None
    return quick, slow


def _outcome(process: Callable[[Any], Any], value: Any) -> Any:
    try:
        return process(value)
    except (TypeError, ValueError) as exc:
        return type(exc)


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-7)), None])


@given(
    moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), zone=ZONES
)
def test_utc_datetimes_are_sent_as_sqlalchemy_sends_them(moment: datetime, zone: Any) -> None:
    quick, slow = _both(UTCDateTime())
    value = moment if zone is None else moment.replace(tzinfo=zone)
    assert _outcome(quick, value) == _outcome(slow, value)


@given(day=st.dates())
def test_dates_are_sent_as_sqlalchemy_sends_them(day: date) -> None:
    quick, slow = _both(sa.Date())
    assert quick(day) == slow(day)


def test_nulls_and_a_naive_datetime_keep_sqlalchemys_behaviour() -> None:
    quick, _ = _both(UTCDateTime())
    assert quick(None) is None
    with pytest.raises(ValueError, match="has no timezone"):
        quick(datetime(2025, 1, 1, 12))
    on_date, _ = _both(sa.Date())
    assert on_date(None) is None
    assert on_date(datetime(2025, 3, 4, 5, 6)) == "2025-03-04"


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.decimals(allow_nan=False, places=2)  # not JSON: refused the same way
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text() | st.integers() | st.booleans() | st.none(), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(value=JSON_VALUES)
def test_json_values_are_sent_as_sqlalchemy_sends_them(value: Any) -> None:
    quick, slow = _both(sa.JSON())
    assert _outcome(quick, value) == _outcome(slow, value)


def test_empty_and_circular_json_keep_sqlalchemys_behaviour() -> None:
    quick, slow = _both(sa.JSON())
    assert "json_text" in quick.__qualname__  # the quick path is the one under test
    for value in ({}, [], None, "text", {"a": []}, [{}], {"when": datetime(2025, 1, 1)}):
        assert _outcome(quick, value) == _outcome(slow, value)
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        quick(loop)


def _sent_text(value: Any) -> Any:
    """The bytes psycopg sends for a bound ``value`` (text format), or the type of the error
    it raises (``value`` itself if it is one already)."""
    if isinstance(value, type):
        return value
    dumper = psycopg.adapters.get_dumper(type(value), PyFormat.TEXT)(type(value))
    return _outcome(lambda v: bytes(dumper.dump(v)), value)


@given(value=JSON_VALUES)
def test_json_values_reach_postgresql_as_the_drivers_adapter_sends_them(value: Any) -> None:
    # On PostgreSQL a dict or list goes as the text the C encoder makes (of no stated type:
    # the server takes its column's), where SQLAlchemy hands psycopg a ``Json`` to dump.
    quick = bulk._sent_processor(sa.JSON(), POSTGRESQL)
    slow = sa.JSON().dialect_impl(POSTGRESQL).bind_processor(POSTGRESQL)
    assert quick is not None
    assert slow is not None
    assert "json_text" in quick.__qualname__  # the quick path is the one under test
    assert _sent_text(_outcome(quick, value)) == _sent_text(_outcome(slow, value))
