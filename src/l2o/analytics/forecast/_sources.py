"""Read deal history from the neutral CSV set or from the Maven "CRM Sales Opportunities" file."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pcsv  # type: ignore[import-untyped]

from l2o.analytics.forecast._deals import DealHistory, FloatArray
from l2o.analytics.forecast._errors import ForecastError

__all__ = ["read_maven_csv", "read_neutral_csv"]

_TS = pa.timestamp("s", tz="UTC")
_DAY = 86400.0
_CLOSED = ("closed_won", "closed_lost")


def read_neutral_csv(directory: str | Path) -> DealHistory:
    """Deal history from ``opportunities.csv``, ``stage_changes.csv`` and (when present)
    ``opportunity_field_changes.csv`` and ``accounts.csv`` (for the segment) in ``directory``.
    """
    base = Path(directory)
    opp = _read(
        base / "opportunities.csv",
        {
            "id": pa.string(),
            "account_id": pa.string(),
            "owner_id": pa.string(),
            "stage": pa.string(),
            "amount": pa.float64(),
            "probability": pa.float64(),
            "forecast_category": pa.string(),
            "created_at": _TS,
            "closed_at": _TS,
            "is_won": pa.bool_(),
        },
        required=("id", "stage", "amount", "created_at", "closed_at", "is_won"),
    )
    moves = _read(
        base / "stage_changes.csv",
        {
            "opportunity_id": pa.string(),
            "to_stage": pa.string(),
            "changed_at": _TS,
            "amount": pa.float64(),
            "close_date": pa.date32(),
        },
        required=("opportunity_id", "to_stage", "changed_at", "amount", "close_date"),
    )
    ids = opp.column("id")
    stage_now = np.asarray(opp.column("stage").fill_null(""), dtype=object)
    names = sorted(set(stage_now) | set(moves.column("to_stage").drop_null().to_pylist()))
    stages = tuple(s for s in names if s and s not in _CLOSED) + tuple(
        s for s in _CLOSED if s in names
    )
    code = {s: i for i, s in enumerate(stages)}
    ev_deal = _index(moves.column("opportunity_id"), ids, "stage_changes.csv")
    ev_time = _days(moves.column("changed_at"))
    ev_stage = np.array([code.get(s, -1) for s in moves.column("to_stage").to_pylist()], np.int64)
    ev_amount = np.asarray(moves.column("amount").fill_null(np.nan), dtype=np.float64)
    ev_close = _days(moves.column("close_date"))
    order = np.lexsort((ev_time, ev_deal))

    changes_path = base / "opportunity_field_changes.csv"
    if changes_path.exists():
        edits = _read(
            changes_path,
            {
                "opportunity_id": pa.string(),
                "field": pa.string(),
                "new_value": pa.string(),
                "changed_at": _TS,
            },
            required=("opportunity_id", "field", "new_value", "changed_at"),
        )
        edits = edits.filter(pc.equal(edits.column("field"), "close_date"))
        ch_deal = _index(edits.column("opportunity_id"), ids, changes_path.name)
        ch_time = _days(edits.column("changed_at"))
        ch_close = _days(pc.cast(edits.column("new_value"), pa.date32()))
    else:
        ch_deal, ch_time, ch_close = np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    ch_order = np.lexsort((ch_time, ch_deal))

    probabilities: dict[str, float] = {}
    categories: dict[str, str] = {}
    if "probability" in opp.column_names:
        prob = np.asarray(opp.column("probability").fill_null(np.nan), dtype=np.float64)
        for s in stages:
            values = prob[(stage_now == s) & ~np.isnan(prob)]
            if values.size:
                probabilities[s] = float(np.median(values)) / 100.0
    if "forecast_category" in opp.column_names:
        cat = np.asarray(opp.column("forecast_category").fill_null(""), dtype=object)
        for s in stages:
            values, counts = np.unique(cat[(stage_now == s) & (cat != "")], return_counts=True)
            if values.size:
                categories[s] = str(values[np.argmax(counts)])

    segment = None
    accounts_path = base / "accounts.csv"
    if accounts_path.exists() and "account_id" in opp.column_names:
        acc = _read(accounts_path, {"id": pa.string(), "segment": pa.string()}, required=("id",))
        if "segment" in acc.column_names:
            row = np.asarray(
                pc.index_in(opp.column("account_id"), value_set=acc.column("id")).fill_null(-1)
            )
            seg = np.asarray(acc.column("segment").fill_null("(none)"), dtype=object)
            segment = np.where(row >= 0, seg[np.maximum(row, 0)], "(none)").astype(object)

    return DealHistory(
        ids=np.asarray(ids, dtype=object),
        created=_days(opp.column("created_at")),
        closed=_days(opp.column("closed_at")),
        won=np.asarray(opp.column("is_won").fill_null(False), dtype=bool),
        amount=np.asarray(opp.column("amount").fill_null(np.nan), dtype=np.float64),
        owner=(
            np.asarray(opp.column("owner_id").fill_null("(none)"), dtype=object)
            if "owner_id" in opp.column_names
            else None
        ),
        segment=segment,
        stages=stages,
        event_deal=ev_deal[order],
        event_time=ev_time[order],
        event_stage=ev_stage[order],
        event_amount=ev_amount[order],
        event_close=ev_close[order],
        change_deal=ch_deal[ch_order],
        change_time=ch_time[ch_order],
        change_close=ch_close[ch_order],
        probabilities=probabilities,
        categories=categories,
        source=f"{base.name}/opportunities.csv + stage_changes.csv",
    )


def read_maven_csv(path: str | Path) -> DealHistory:
    """Deal history from Maven's ``sales_pipeline.csv``: ``engage_date`` is the creation day,
    ``close_date`` the close, ``deal_stage`` Won/Lost/Engaging/Prospecting, ``close_value`` the
    amount won. There is no stage history, and an open deal has no amount or close date.
    """
    path = Path(path)
    table = _read(
        path,
        {
            "opportunity_id": pa.string(),
            "sales_agent": pa.string(),
            "deal_stage": pa.string(),
            "engage_date": pa.date32(),
            "close_date": pa.date32(),
            "close_value": pa.float64(),
        },
        required=("opportunity_id", "deal_stage", "engage_date", "close_date", "close_value"),
    )
    stage = np.asarray(table.column("deal_stage").fill_null(""), dtype=object)
    won = stage == "Won"
    closed = _days(table.column("close_date"))
    closed[~np.isin(stage, ("Won", "Lost"))] = np.nan
    amount = np.asarray(table.column("close_value").fill_null(np.nan), dtype=np.float64).copy()
    amount[~won] = np.nan  # a lost deal's value is recorded as 0, not its size
    created = _days(table.column("engage_date"))
    empty = np.zeros(0)
    notes = []
    unknown = int(np.isnan(created).sum())
    if unknown:
        notes.append(f"{unknown} deals without an engage date (never counted as open)")
    return DealHistory(
        ids=np.asarray(table.column("opportunity_id"), dtype=object),
        created=created,
        closed=closed,
        won=won,
        amount=amount,
        owner=(
            np.asarray(table.column("sales_agent").fill_null("(none)"), dtype=object)
            if "sales_agent" in table.column_names
            else None
        ),
        segment=None,
        stages=("prospecting", "engaging", "closed_won", "closed_lost"),
        event_deal=np.zeros(0, np.int64),
        event_time=empty,
        event_stage=np.zeros(0, np.int64),
        event_amount=empty,
        event_close=empty,
        change_deal=np.zeros(0, np.int64),
        change_time=empty,
        change_close=empty,
        source=f"{path.name} (Maven, no stage history)",
        notes=tuple(notes),
    )


def _days(column: pa.ChunkedArray) -> FloatArray:
    if pa.types.is_date32(column.type):
        column = pc.cast(column, _TS)
    seconds = pc.cast(pc.cast(column, pa.timestamp("s")), pa.int64())
    values = np.asarray(pc.cast(seconds, pa.float64()).fill_null(np.nan), np.float64).copy()
    return values / _DAY


def _index(refs: pa.ChunkedArray, ids: pa.ChunkedArray, where: str) -> np.ndarray:
    row = np.asarray(pc.index_in(refs, value_set=ids).fill_null(-1), dtype=np.int64)
    if (row < 0).any():
        raise ForecastError(
            f"{where}: {int((row < 0).sum())} row(s) name an opportunity_id "
            "not in opportunities.csv"
        )
    return row


def _read(path: Path, types: dict[str, pa.DataType], required: tuple[str, ...]) -> pa.Table:
    if not path.exists():
        raise ForecastError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    missing = [c for c in required if c not in header]
    if missing:
        raise ForecastError(f"{path.name}: missing column(s) {', '.join(missing)}")
    wanted = [c for c in types if c in header]
    try:
        return pcsv.read_csv(
            path,
            convert_options=pcsv.ConvertOptions(
                column_types={c: types[c] for c in wanted},
                include_columns=wanted,
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise ForecastError(f"{path.name}: {exc}") from exc
