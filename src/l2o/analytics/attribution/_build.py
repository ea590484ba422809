"""Build :class:`Journeys` from the aggregated path format or from touchpoint rows.

Both builders are vectorised: strings are dictionary-encoded with Arrow (hashing, not
sorting, so a million path strings encode in tens of milliseconds), the rest is NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from l2o.analytics.attribution._errors import AttributionError
from l2o.analytics.attribution._journeys import FloatArray, IntArray, Journeys, sum_by

__all__ = ["journeys_from_paths", "journeys_from_touchpoints"]

Strings: TypeAlias = Sequence[str] | npt.NDArray[Any] | pa.Array | pa.ChunkedArray


def journeys_from_paths(
    paths: Strings,
    conversions: npt.ArrayLike,
    value: npt.ArrayLike | None = None,
    nulls: npt.ArrayLike | None = None,
    *,
    sep: str = ">",
    source: str = "paths",
) -> Journeys:
    """Journeys from the aggregated format: one row per path, channels joined by ``sep``.

    Rows with the same path string are merged (their counts add up), so raw journeys (one row
    each, ``conversions`` 0 or 1) and pre-aggregated paths give the same :class:`Journeys`.
    Channel names are trimmed of surrounding blanks and listed in sorted order::

        >>> j = journeys_from_paths(["a > b", "b", "a > b"], [1, 0, 2], [10.0, 0, 5.0], [0, 3, 1])
        >>> j.channels, j.n_paths, j.conversions.tolist(), j.n_journeys
        (('a', 'b'), 2, [3.0, 0.0], 7.0)
    """
    rows = _as_arrow(paths)
    n_rows = len(rows)
    conv = _counts(conversions, n_rows, "total_conversions", source)
    val = np.zeros(n_rows) if value is None else _counts(value, n_rows, "value", source)
    null = np.zeros(n_rows) if nulls is None else _counts(nulls, n_rows, "total_null", source)
    if rows.null_count:
        raise AttributionError(f"{source}: row {_first(rows.is_null()) + 1}: path is empty")

    encoded = pc.dictionary_encode(rows)
    row_path = np.asarray(encoded.indices, dtype=np.int64)
    unique = encoded.dictionary
    n_paths = len(unique)
    parts = pc.split_pattern(unique, sep)
    lengths = np.asarray(pc.list_value_length(parts), dtype=np.int64)
    names = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    blank = np.asarray(pc.equal(pc.utf8_length(names), 0), dtype=bool)
    if blank.any():
        bad_path = int(np.repeat(np.arange(n_paths), lengths)[np.argmax(blank)])
        row = int(np.argmax(row_path == bad_path)) + 1
        raise AttributionError(
            f"{source}: row {row}: path {unique[bad_path].as_py()!r} has an empty channel "
            f"(channels are separated by {sep!r})"
        )
    codes, channels = _encode(names)
    return Journeys(
        channels=channels,
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        touches=codes,
        conversions=sum_by(row_path, conv, n_paths),
        value=sum_by(row_path, val, n_paths),
        nulls=sum_by(row_path, null, n_paths),
        source=source,
    )


def journeys_from_touchpoints(
    journey_ids: Strings,
    channels: Strings,
    times: npt.ArrayLike,
    outcome_ids: Strings,
    conversions: npt.ArrayLike,
    value: npt.ArrayLike | None = None,
    *,
    outcome_times: npt.ArrayLike | None = None,
    milestone_times: npt.ArrayLike | None = None,
    campaigns: Strings | None = None,
    source: str = "touchpoints",
) -> Journeys:
    """Journeys from touchpoint rows and one outcome row per journey (a lead, a contact).

    ``journey_ids``, ``channels``, ``times`` (and optional ``campaigns``) are per touch;
    ``outcome_ids``, ``conversions``, ``value`` (and optional ``outcome_times``, when the
    outcome happened, and ``milestone_times``, when the lead was created or qualified) are
    per journey. Each journey becomes one path: its touches in time order (every touch needs
    a time), converting when ``conversions > 0``, else a null. Touches after a journey's
    outcome cannot have caused it and are left out; touches with a blank journey id and
    journeys without any touch cannot be attributed either. All three are counted in
    ``Journeys.excluded``. A touch naming a journey missing from the outcome rows is an
    error. Times are ``datetime64`` or epoch seconds (NaT/NaN: unknown).
    """
    touch_ids = _as_arrow(journey_ids)
    n_touch = len(touch_ids)
    out_ids = _as_arrow(outcome_ids)
    n_out = len(out_ids)
    conv = _counts(conversions, n_out, "conversions", source)
    val = np.zeros(n_out) if value is None else _counts(value, n_out, "value", source)
    t = _seconds(times, n_touch, "times", source)
    if np.isnan(t).any():
        raise AttributionError(f"{source}: touch row {_first(np.isnan(t)) + 1}: time is blank")
    codes, id_names = _encode(pa.concat_arrays([out_ids, touch_ids]), keep_nulls=True)
    out_code, touch_code = codes[:n_out], codes[n_out:]
    if np.any(out_code < 0):
        raise AttributionError(f"{source}: outcome row {_first(out_code < 0) + 1}: blank id")
    seen = np.bincount(out_code, minlength=len(id_names))
    if np.any(seen > 1):
        dup = int(np.argmax(seen > 1))
        raise AttributionError(f"{source}: journey {id_names[dup]!r} has {seen[dup]} outcome rows")
    row_of_id = np.full(len(id_names), -1, dtype=np.int64)
    row_of_id[out_code] = np.arange(n_out)
    touch_row = np.where(touch_code >= 0, row_of_id[np.maximum(touch_code, 0)], -2)
    if np.any(touch_row == -1):
        bad = _first(touch_row == -1)
        raise AttributionError(
            f"{source}: touch row {bad + 1}: journey {id_names[touch_code[bad]]!r} "
            "has no outcome row"
        )
    chan_codes, chan_names = _encode(_as_arrow(channels), keep_nulls=True)
    if len(chan_codes) != n_touch:
        raise AttributionError(f"{source}: channels has {len(chan_codes)} rows, touches {n_touch}")

    keep = touch_row >= 0
    excluded: dict[str, float] = {"touches_without_journey": float((~keep).sum())}
    blank_channel = keep & (chan_codes < 0)
    if blank_channel.any():
        raise AttributionError(f"{source}: touch row {_first(blank_channel) + 1}: blank channel")
    if outcome_times is not None:
        ends = _seconds(outcome_times, n_out, "outcome_times", source)
        late = keep & (conv[np.maximum(touch_row, 0)] > 0) & (t > ends[np.maximum(touch_row, 0)])
        excluded["touches_after_outcome"] = float(late.sum())
        keep &= ~late
    order = np.lexsort((t, touch_row))
    order = order[keep[order]]
    rows = touch_row[order]
    touched = np.bincount(rows, minlength=n_out)
    has = touched > 0
    excluded["journeys_without_touches"] = float((~has).sum())
    excluded["conversions_without_touches"] = float(conv[~has].sum())
    excluded["value_without_touches"] = float(val[~has].sum())
    lengths = touched[has]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    milestones = None
    if milestone_times is not None:
        marks = _seconds(milestone_times, n_out, "milestone_times", source)
        before = t[order] <= marks[rows]
        reached = sum_by(rows, before, n_out)[has].astype(np.int64)
        milestones = np.where(np.isnan(marks[has]), -1, np.maximum(reached - 1, 0))
    campaign_codes = campaign_names = None
    if campaigns is not None:
        all_codes, names = _encode(_as_arrow(campaigns), keep_nulls=True)
        campaign_codes, campaign_names = all_codes[order], names
    conv_kept = conv[has]
    return Journeys(
        channels=chan_names,
        offsets=offsets,
        touches=chan_codes[order],
        conversions=conv_kept,
        value=val[has],
        nulls=(conv_kept == 0).astype(np.float64),
        times=t[order],
        campaigns=campaign_names,
        campaign_touches=campaign_codes,
        milestones=milestones,
        source=source,
        excluded=excluded,
    )


def _as_arrow(values: Strings) -> pa.Array:
    """One Arrow array of strings (chunks combined)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values.cast(pa.string())
    array: npt.NDArray[Any] = np.asarray(values)
    if array.dtype.kind in "iu":
        return pa.array(array.astype(np.int64)).cast(pa.string())
    if array.dtype.kind == "S":
        return pa.array(np.char.decode(array, "utf-8").astype(object), type=pa.string())
    return pa.array(array.astype(object), type=pa.string(), from_pandas=True)


def _encode(values: pa.Array, *, keep_nulls: bool = False) -> tuple[IntArray, tuple[str, ...]]:
    """Codes into the sorted distinct non-empty strings; blanks and nulls get -1."""
    values = pc.if_else(pc.equal(pc.utf8_trim_whitespace(values), ""), None, values)
    encoded = pc.dictionary_encode(values)
    names = np.array(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    raw = np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)
    if not keep_nulls and np.any(raw < 0):
        raise AttributionError("a channel name is blank")
    codes = np.where(raw >= 0, rank[np.maximum(raw, 0)], -1)
    return codes, tuple(str(n) for n in names[order])


def _counts(values: npt.ArrayLike, n: int, name: str, source: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (n,):
        raise AttributionError(f"{source}: {name} has {array.size} rows, expected {n}")
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        raise AttributionError(
            f"{source}: row {_first(bad) + 1}: {name} must be a number >= 0, got {array[bad][0]}"
        )
    return array


def _seconds(values: npt.ArrayLike, n: int, name: str, source: str) -> FloatArray:
    array = np.asarray(values)
    if array.dtype.kind == "M":
        seconds = array.astype("datetime64[s]").astype(np.int64).astype(np.float64)
        seconds[np.isnat(array)] = np.nan
    else:
        seconds = array.astype(np.float64)
    if seconds.shape != (n,):
        raise AttributionError(f"{source}: {name} has {seconds.size} rows, expected {n}")
    return seconds


def _first(mask: npt.ArrayLike) -> int:
    return int(np.argmax(np.asarray(mask, dtype=bool)))
