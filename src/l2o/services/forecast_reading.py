"""Reading the store for forecasting: the deal history of every opportunity.

``read_store_history`` gives the very :class:`~l2o.analytics.forecast.DealHistory` that
``read_neutral_csv`` gives for the CSV set the store was imported from, so every method and
the backtest run unchanged. It reads with set-based queries (SQLAlchemy Core, no records
built): the opportunities joined to their owner and account (for the owner's source key and
the segment), the stage changes, and the close-date edits. Times become day numbers without
a Python ``datetime``: PostgreSQL computes epoch seconds, and SQLite's time text is parsed by
Arrow.

Deals are named and ordered by their source key (the id in the system they came from; the
store id for deals made in L2O), in natural order (``OP-2`` before ``OP-10``): the same
store gives the same arrays - and the same Monte Carlo draws - on every backend, and a
store imported from numbered CSV rows keeps the file's order.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from l2o.analytics.forecast import DealHistory, ForecastError
from l2o.services.store_columns import epoch_seconds as _epoch_seconds
from l2o.services.store_columns import fetch_columns as _fetch
from l2o.services.store_columns import floats as _floats
from l2o.services.store_columns import seconds
from l2o.services.store_columns import time_type as _time_type
from l2o.store import describe_url, engine_for, ensure_current
from l2o.store.schema import (
    accounts,
    opportunities,
    opportunity_field_changes,
    stage_changes,
    users,
)

__all__ = ["read_store_history"]

_DAY = 86400.0
_CLOSED = ("closed_won", "closed_lost")


def read_store_history(store: str | URL | Engine) -> DealHistory:
    """The deal history of every opportunity in ``store`` (a URL or an engine).

    >>> history = read_store_history("sqlite:///l2o.db")
    >>> backtest(history, [WeightedPipeline, StageConversion], kind="quarter")
    """
    engine = store if isinstance(store, Engine) else engine_for(store)
    ensure_current(engine)
    with engine.connect() as conn:
        opp = _deals(conn)
        moves = _stage_moves(conn)
        edits = _close_date_edits(conn)
    order = pc.sort_indices(
        pa.table({"n": pc.utf8_length(opp.column("key")), "key": opp.column("key")}),
        sort_keys=[("n", "ascending"), ("key", "ascending")],
    )
    opp = opp.take(order)
    store_ids = opp.column("id")

    stage_now = np.asarray(opp.column("stage").fill_null(""), dtype=object)
    names = sorted(set(stage_now) | set(moves.column("to_stage").drop_null().to_pylist()))
    stages = tuple(s for s in names if s and s not in _CLOSED) + tuple(
        s for s in _CLOSED if s in names
    )
    ev_deal = _deal_rows(moves.column("opportunity_id"), store_ids, "stage_changes")
    ev_time = _days(moves.column("changed_at"))
    stage_codes = pc.index_in(moves.column("to_stage"), value_set=pa.array(stages, pa.string()))
    ev_stage = np.asarray(stage_codes.fill_null(-1), dtype=np.int64)
    ev_amount = _floats(moves.column("amount"))
    ev_close = _days(moves.column("close_date"))
    ev_order = np.lexsort((ev_time, ev_deal))

    ch_deal = _deal_rows(edits.column("opportunity_id"), store_ids, "opportunity_field_changes")
    ch_time = _days(edits.column("changed_at"))
    try:
        new_close = pc.cast(edits.column("new_value"), pa.date32())
    except pa.ArrowInvalid as exc:
        raise ForecastError(f"opportunity_field_changes: a close_date edit: {exc}") from None
    ch_close = np.asarray(
        pc.cast(pc.cast(new_close, pa.int32()), pa.float64()).fill_null(np.nan), np.float64
    )
    ch_order = np.lexsort((ch_time, ch_deal))

    probabilities: dict[str, float] = {}
    categories: dict[str, str] = {}
    prob = _floats(opp.column("probability"))
    cat = np.asarray(opp.column("forecast_category").fill_null(""), dtype=object)
    for s in stages:
        values = prob[(stage_now == s) & ~np.isnan(prob)]
        if values.size:
            probabilities[s] = float(np.median(values)) / 100.0
        found, counts = np.unique(cat[(stage_now == s) & (cat != "")], return_counts=True)
        if found.size:
            categories[s] = str(found[np.argmax(counts)])

    return DealHistory(
        ids=np.asarray(opp.column("key"), dtype=object),
        created=_days(opp.column("created_at")),
        closed=_days(opp.column("closed_at")),
        won=_floats(opp.column("is_won")) == 1,
        amount=_floats(opp.column("amount")),
        owner=np.asarray(opp.column("owner").fill_null("(none)"), dtype=object),
        segment=np.asarray(opp.column("segment").fill_null("(none)"), dtype=object),
        stages=stages,
        event_deal=ev_deal[ev_order],
        event_time=ev_time[ev_order],
        event_stage=ev_stage[ev_order],
        event_amount=ev_amount[ev_order],
        event_close=ev_close[ev_order],
        change_deal=ch_deal[ch_order],
        change_time=ch_time[ch_order],
        change_close=ch_close[ch_order],
        probabilities=probabilities,
        categories=categories,
        source=f"store {describe_url(engine.url)}: opportunities + stage_changes",
    )


def _deals(conn: Connection) -> pa.Table:
    """Every opportunity with its owner's source key and its account's segment."""
    seconds = _epoch_seconds(conn)
    o = opportunities
    query = sa.select(
        o.c.id,
        sa.func.coalesce(o.c.source_id, o.c.id).label("key"),
        sa.func.coalesce(users.c.source_id, users.c.id).label("owner"),
        accounts.c.segment,
        o.c.stage,
        sa.cast(o.c.amount, sa.Float).label("amount"),
        sa.cast(o.c.probability, sa.Float).label("probability"),
        sa.type_coerce(o.c.forecast_category, sa.String).label("forecast_category"),
        seconds(o.c.created_at).label("created_at"),
        seconds(o.c.closed_at).label("closed_at"),
        sa.cast(o.c.is_won, sa.Integer).label("is_won"),
    ).select_from(
        o.outerjoin(users, users.c.id == o.c.owner_id).outerjoin(
            accounts, accounts.c.id == o.c.account_id
        )
    )
    return _fetch(
        conn,
        query,
        {
            "id": pa.string(),
            "key": pa.string(),
            "owner": pa.string(),
            "segment": pa.string(),
            "stage": pa.string(),
            "amount": pa.float64(),
            "probability": pa.float64(),
            "forecast_category": pa.string(),
            "created_at": _time_type(conn),
            "closed_at": _time_type(conn),
            "is_won": pa.int64(),
        },
    )


def _stage_moves(conn: Connection) -> pa.Table:
    seconds = _epoch_seconds(conn)
    s = stage_changes
    query = sa.select(
        s.c.opportunity_id,
        s.c.to_stage,
        seconds(s.c.changed_at).label("changed_at"),
        sa.cast(s.c.amount, sa.Float).label("amount"),
        seconds(s.c.close_date).label("close_date"),
    )
    return _fetch(
        conn,
        query,
        {
            "opportunity_id": pa.string(),
            "to_stage": pa.string(),
            "changed_at": _time_type(conn),
            "amount": pa.float64(),
            "close_date": _time_type(conn),
        },
    )


def _close_date_edits(conn: Connection) -> pa.Table:
    c = opportunity_field_changes
    query = sa.select(
        c.c.opportunity_id,
        c.c.new_value,
        _epoch_seconds(conn)(c.c.changed_at).label("changed_at"),
    ).where(c.c.field == "close_date")
    return _fetch(
        conn,
        query,
        {"opportunity_id": pa.string(), "new_value": pa.string(), "changed_at": _time_type(conn)},
    )


def _deal_rows(refs: pa.ChunkedArray, ids: pa.ChunkedArray, where: str) -> np.ndarray:
    row = np.asarray(pc.index_in(refs, value_set=ids).fill_null(-1), dtype=np.int64)
    if (row < 0).any():  # the store's foreign keys make this impossible; say so if not
        raise ForecastError(
            f"{where}: {int((row < 0).sum())} row(s) name an opportunity not in the store"
        )
    return row


def _days(column: pa.ChunkedArray) -> np.ndarray:
    return _seconds(column) / _DAY


def _seconds(column: pa.ChunkedArray) -> np.ndarray:
    return seconds(column, ForecastError)
