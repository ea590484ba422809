"""Read journeys from files: the aggregated path CSV and the neutral CSV set."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pcsv  # type: ignore[import-untyped]

from l2o.analytics.attribution._build import journeys_from_paths, journeys_from_touchpoints
from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._journeys import FloatArray, Journeys

__all__ = ["OUTCOMES", "read_neutral_csv", "read_paths_csv"]

OUTCOMES = {
    "pipeline": "a lead converted into an opportunity; value is the opportunity's amount",
    "revenue": "the lead's opportunity was won; value is the amount won",
}
"""The outcomes journeys from the neutral CSV set can be scored on."""

_TS = pa.timestamp("s", tz="UTC")


def read_paths_csv(path: str | Path, *, sep: str = ">") -> Journeys:
    """Journeys from a CSV in the aggregated format (``.csv`` or ``.csv.gz``).

    Columns ``path`` and ``total_conversions`` are required; ``total_conversion_value`` and
    ``total_null`` are read when present (else zero). Channels in ``path`` are separated by
    ``sep``.
    """
    path = Path(path)
    table = _read(
        path,
        {
            "path": pa.string(),
            "total_conversions": pa.float64(),
            "total_conversion_value": pa.float64(),
            "total_null": pa.float64(),
        },
        required=("path", "total_conversions"),
    )

    def column(name: str) -> FloatArray | None:
        if name not in table.column_names:
            return None
        return np.asarray(table.column(name).fill_null(np.nan), dtype=np.float64)

    return journeys_from_paths(
        table.column("path"),
        column("total_conversions"),  # type: ignore[arg-type]
        column("total_conversion_value"),
        column("total_null"),
        sep=sep,
        source=path.name,
    )


def read_neutral_csv(
    directory: str | Path | None = None,
    *,
    touchpoints: str | Path | None = None,
    leads: str | Path | None = None,
    opportunities: str | Path | None = None,
    outcome: str = "pipeline",
) -> Journeys:
    """Journeys per lead from the neutral CSV set (``touchpoints.csv``, ``leads.csv``, and
    ``opportunities.csv`` for values), scored on ``outcome`` (see :data:`OUTCOMES`).

    Files default to those names inside ``directory``. Touches after the outcome (the lead's
    ``converted_at``, or the won deal's ``closed_at``) are left out and counted; the lead's
    ``created_at`` marks the lead-creation touch for the W-shaped model; touches carry their
    ``campaign_id`` for credit per campaign.
    """
    if outcome not in OUTCOMES:
        raise AttributionError(f"unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}")
    base = Path(directory) if directory is not None else None

    def locate(given: str | Path | None, name: str) -> Path:
        if given is not None:
            return Path(given)
        if base is None:
            raise AttributionError(f"give {name} or the folder that holds it")
        return base / name

    touch_path = locate(touchpoints, "touchpoints.csv")
    lead_path = locate(leads, "leads.csv")
    touch = _read(
        touch_path,
        {
            "lead_id": pa.string(),
            "channel": pa.string(),
            "occurred_at": _TS,
            "campaign_id": pa.string(),
        },
        required=("lead_id", "channel", "occurred_at"),
    )
    lead = _read(
        lead_path,
        {
            "id": pa.string(),
            "created_at": _TS,
            "converted_at": _TS,
            "converted_opportunity_id": pa.string(),
        },
        required=("id", "converted_at"),
    )
    converted = np.asarray(lead.column("converted_at").is_valid(), dtype=bool)
    amount = np.zeros(lead.num_rows)
    won = np.zeros(lead.num_rows, dtype=bool)
    closed = np.full(lead.num_rows, np.nan)
    opp_path = (
        locate(opportunities, "opportunities.csv")
        if (opportunities is not None or base is not None)
        else None
    )
    if opp_path is not None and (opp_path.exists() or outcome == "revenue"):
        opp = _read(
            opp_path,
            {"id": pa.string(), "amount": pa.float64(), "is_won": pa.bool_(), "closed_at": _TS},
            required=("id", "amount", "is_won", "closed_at"),
        )
        if "converted_opportunity_id" not in lead.column_names:
            raise AttributionError(f"{lead_path.name}: no converted_opportunity_id column")
        index = pc.index_in(lead.column("converted_opportunity_id"), value_set=opp.column("id"))
        row = np.asarray(index.fill_null(-1), dtype=np.int64)
        has = row >= 0
        amount[has] = np.nan_to_num(np.asarray(opp.column("amount").fill_null(0.0))[row[has]])
        won[has] = np.asarray(opp.column("is_won").fill_null(False))[row[has]]
        closed[has] = _seconds(opp.column("closed_at"))[row[has]]
    elif outcome == "revenue":
        raise AttributionError("outcome 'revenue' needs opportunities.csv")

    if outcome == "pipeline":
        conversions, value, ends = (
            converted,
            amount * converted,
            _seconds(lead.column("converted_at")),
        )
    else:
        conversions, value, ends = won, amount * won, closed
    created = _seconds(lead.column("created_at")) if "created_at" in lead.column_names else None
    return journeys_from_touchpoints(
        touch.column("lead_id"),
        touch.column("channel"),
        _seconds(touch.column("occurred_at")),
        lead.column("id"),
        conversions.astype(np.float64),
        value,
        outcome_times=ends,
        milestone_times=created,
        campaigns=touch.column("campaign_id") if "campaign_id" in touch.column_names else None,
        source=f"{touch_path.name} + {lead_path.name} ({outcome})",
    )


def _read(path: Path, types: dict[str, pa.DataType], required: tuple[str, ...]) -> pa.Table:
    if not path.exists():
        raise AttributionError(f"{path}: no such file")
    with pa.input_stream(str(path), compression="detect") as stream:
        first_line = stream.read(1 << 16).split(b"\n", 1)[0].decode("utf-8-sig")
    header = next(csv.reader([first_line.rstrip("\r")]), [])
    missing = [c for c in required if c not in header]
    if missing:
        raise AttributionError(f"{path.name}: missing column(s) {', '.join(missing)}")
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
        raise AttributionError(f"{path.name}: {exc}") from None


def _seconds(column: pa.ChunkedArray) -> FloatArray:
    seconds = pc.cast(column, pa.int64())
    return np.asarray(seconds.cast(pa.float64()).fill_null(np.nan), dtype=np.float64)
