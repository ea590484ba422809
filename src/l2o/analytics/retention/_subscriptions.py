"""Customers from subscription records: contracts, accounts, usage and support tickets.

A customer is an account with a contract in force at some point; it *churned* when its last
contract ended more than ``grace`` days before the data's last day with nothing after it.

Churn risk is learned by *landmarking*: every ``every`` days the customers still with the
company are looked at as they were that day - ARR in force, months to the end of the current
term, tenure, seat utilisation and support tickets over the preceding ``window`` days - and
followed to their churn or to the data's end. Each row uses only what was known on its
landmark day, so the model predicts churn from signals that come before it; scoring today's
customers is the same look taken on the data's last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd  # type: ignore[import-untyped]

from l2o.analytics.retention._customers import CustomerHistory, FloatArray
from l2o.analytics.retention._errors import RetentionError

__all__ = [
    "SubscriptionTables",
    "current_customers",
    "customers_from_subscriptions",
    "read_subscriptions_csv",
]

ObjectArray = npt.NDArray[np.object_]
_DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class SubscriptionTables:
    """Column arrays, times as day numbers (days since 1970-01-01). Contracts are those in
    force at some point (pending and cancelled ones left out by the reader)."""

    contract_account: ObjectArray
    contract_start: FloatArray
    contract_end: FloatArray
    contract_arr: FloatArray
    contract_auto_renew: npt.NDArray[np.bool_]
    account_id: ObjectArray
    account_segment: ObjectArray
    account_industry: ObjectArray
    account_employees: FloatArray
    account_health: FloatArray
    usage_account: ObjectArray
    usage_at: FloatArray
    usage_active: FloatArray
    usage_seats: FloatArray
    ticket_account: ObjectArray
    ticket_at: FloatArray
    ticket_urgent: npt.NDArray[np.bool_]
    as_of: float
    source: str = ""


def customers_from_subscriptions(
    tables: SubscriptionTables, *, every: float = 90.0, grace: float = 30.0, window: float = 90.0
) -> CustomerHistory:
    """Stacked landmark rows: the customers active on every ``every``-th day from the first
    contract's start + ``window`` to ``as_of`` - ``every``, each followed to its churn or to
    ``as_of``. ``ids`` are ``ACCOUNT@YYYY-MM-DD``."""
    if tables.contract_account.size == 0:
        raise RetentionError(f"{tables.source}: no contracts, so no customers")
    first = float(np.nanmin(tables.contract_start)) + window
    days = np.arange(first, tables.as_of - every + 1e-9, every)
    if days.size == 0:
        raise RetentionError(
            f"{tables.source}: under {int(window + every)} days of subscriptions, too short "
            "to follow customers"
        )
    parts = [_look(tables, float(day), grace=grace, window=window) for day in days]
    return _stack([p for p in parts if p is not None], tables.source)


def current_customers(
    tables: SubscriptionTables, *, grace: float = 30.0, window: float = 90.0
) -> CustomerHistory:
    """Today's customers as they look on ``as_of`` (duration 0, none churned): the rows a
    fitted :class:`ChurnModel` scores."""
    look = _look(tables, tables.as_of, grace=grace, window=window, today=True)
    if look is None:
        raise RetentionError(f"{tables.source}: no customer with a contract in force")
    return look


def _look(
    t: SubscriptionTables, day: float, *, grace: float, window: float, today: bool = False
) -> CustomerHistory | None:
    """The customers active on ``day`` as known that day, with their outcome after it."""
    ids, where = np.unique(t.contract_account.astype(str), return_inverse=True)
    n = ids.size
    start = np.full(n, np.inf)
    np.minimum.at(start, where, t.contract_start)
    last_end = np.full(n, -np.inf)
    np.maximum.at(last_end, where, t.contract_end)
    churned = last_end + grace < t.as_of
    live = (t.contract_start <= day) & (t.contract_end >= day)
    arr = np.bincount(where[live], weights=t.contract_arr[live], minlength=n)
    term_end = np.full(n, np.inf)
    np.minimum.at(term_end, where[live], t.contract_end[live])
    auto = np.zeros(n, dtype=bool)
    np.logical_or.at(auto, where[live], t.contract_auto_renew[live])
    active = np.isfinite(term_end)
    if not today:
        active &= ~churned | (last_end > day)
    if not active.any():
        return None
    account = pd.Index(t.account_id.astype(str))
    row = account.get_indexer(ids)
    known = row >= 0

    def by_account(values: np.ndarray, fill: object) -> np.ndarray:
        out = np.full(n, fill, dtype=values.dtype if values.dtype != object else object)
        out[known] = values[row[known]]
        return out

    since, until = np.full(n, day - window), np.full(n, day)
    utilisation = _ratio(
        ids, since, until, t.usage_account, t.usage_at, t.usage_active, t.usage_seats
    )
    tickets, urgent = _tickets(ids, since, until, t)
    features = pd.DataFrame(
        {
            "log_arr": np.log1p(np.maximum(arr, 0.0)),
            "months_to_term_end": (term_end - day) / 30.44,
            "tenure_months": (day - start) / 30.44,
            "auto_renew": np.where(auto, "yes", "no"),
            "segment": pd.Series(by_account(t.account_segment.astype(object), None))
            .fillna("(none)")
            .astype(str),
            "log_employees": np.log1p(by_account(t.account_employees, np.nan)),
            "utilisation": utilisation,
            "tickets_per_month": tickets / (window / 30.44),
            "urgent_ticket_share": urgent,
        }
    )
    keep = np.flatnonzero(active)
    label = str(np.datetime64(int(day), "D"))
    duration = np.where(churned & ~today, last_end, t.as_of) - day
    return CustomerHistory(
        ids=np.array([f"{i}@{label}" for i in ids[keep]], dtype=object)
        if not today
        else ids[keep].astype(object),
        duration=np.maximum(duration[keep], 0.0) if not today else np.zeros(keep.size),
        churned=(churned[keep] & (last_end[keep] > day))
        if not today
        else np.zeros(keep.size, bool),
        features=features.iloc[keep].reset_index(drop=True),
        unit="days",
        source=t.source,
        health=by_account(t.account_health, np.nan)[keep].astype(np.float64),
        days_to_renewal=(term_end - day)[keep],
        landmark=np.full(keep.size, day),
    )


def _stack(parts: list[CustomerHistory], source: str) -> CustomerHistory:
    if not parts:
        raise RetentionError(f"{source}: no customer active on any landmark day")
    return CustomerHistory(
        ids=np.concatenate([p.ids for p in parts]),
        duration=np.concatenate([p.duration for p in parts]),
        churned=np.concatenate([p.churned for p in parts]),
        features=pd.concat([p.features for p in parts], ignore_index=True),
        unit="days",
        source=source,
        health=np.concatenate([p.health for p in parts if p.health is not None]),
        days_to_renewal=np.concatenate(
            [p.days_to_renewal for p in parts if p.days_to_renewal is not None]
        ),
        landmark=np.concatenate([p.landmark for p in parts if p.landmark is not None]),
    )


def _ratio(
    ids: np.ndarray,
    start: FloatArray,
    end: FloatArray,
    account: ObjectArray,
    at: FloatArray,
    active: FloatArray,
    seats: FloatArray,
) -> FloatArray:
    """Active users / licensed seats between ``start`` and ``end`` (NaN: no usage)."""
    pos = np.searchsorted(ids, account.astype(str))
    ok = (pos < ids.size) & (ids[np.minimum(pos, ids.size - 1)] == account.astype(str))
    ok &= ~np.isnan(seats) & (seats > 0) & ~np.isnan(active)
    pos = np.where(ok, pos, 0)
    ok &= (at >= start[pos]) & (at < end[pos])
    used = np.bincount(pos[ok], weights=active[ok], minlength=ids.size)
    allowed = np.bincount(pos[ok], weights=seats[ok], minlength=ids.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(allowed > 0, used / allowed, np.nan)


def _tickets(
    ids: np.ndarray, start: FloatArray, end: FloatArray, t: SubscriptionTables
) -> tuple[FloatArray, FloatArray]:
    """Tickets opened between ``start`` and ``end``, and the urgent/high share of them."""
    account = t.ticket_account.astype(str)
    pos = np.searchsorted(ids, account)
    ok = (pos < ids.size) & (ids[np.minimum(pos, ids.size - 1)] == account)
    pos = np.where(ok, pos, 0)
    ok &= (t.ticket_at >= start[pos]) & (t.ticket_at < end[pos])
    count = np.bincount(pos[ok], minlength=ids.size).astype(np.float64)
    urgent = np.bincount(pos[ok & t.ticket_urgent], minlength=ids.size).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return count, np.where(count > 0, urgent / count, 0.0)


def read_subscriptions_csv(directory: str | Path) -> SubscriptionTables:
    """The same tables from a neutral CSV folder (``contracts.csv``, ``accounts.csv``, and
    when present ``usage_records.csv`` and ``support_tickets.csv``)."""
    base = Path(directory)
    for name in ("contracts.csv", "accounts.csv"):
        if not (base / name).exists():
            raise RetentionError(f"{base / name}: no such file")
    contracts = pd.read_csv(base / "contracts.csv", dtype=str)
    contracts = contracts[~contracts["status"].isin(["pending", "cancelled"])]
    accounts = pd.read_csv(base / "accounts.csv", dtype=str)
    usage = _optional(base / "usage_records.csv")
    tickets = _optional(base / "support_tickets.csv")
    latest = [_days(contracts.get("created_at"))]
    if usage is not None:
        usage = usage[usage["metric"] == "active_users"]
        latest.append(_days(usage["occurred_at"]))
    if tickets is not None:
        latest.append(_days(tickets["created_at"]))
    as_of = float(max(np.nanmax(x) for x in latest if x.size))
    empty = np.zeros(0)
    return SubscriptionTables(
        contract_account=contracts["account_id"].to_numpy(dtype=object),
        contract_start=_days(contracts["start_date"]),
        contract_end=_days(contracts["end_date"]),
        contract_arr=pd.to_numeric(contracts["arr"], errors="coerce").to_numpy(dtype=float),
        contract_auto_renew=(
            contracts.get("auto_renew", pd.Series(dtype=str)) == "true"
        ).to_numpy(),
        account_id=accounts["id"].to_numpy(dtype=object),
        account_segment=accounts.get(
            "segment", pd.Series(index=accounts.index, dtype=object)
        ).to_numpy(dtype=object),
        account_industry=accounts.get(
            "industry", pd.Series(index=accounts.index, dtype=object)
        ).to_numpy(dtype=object),
        account_employees=pd.to_numeric(accounts.get("employees"), errors="coerce").to_numpy(
            dtype=float
        ),
        account_health=pd.to_numeric(accounts.get("health_score"), errors="coerce").to_numpy(
            dtype=float
        ),
        usage_account=usage["account_id"].to_numpy(dtype=object)
        if usage is not None
        else empty.astype(object),
        usage_at=_days(usage["occurred_at"]) if usage is not None else empty,
        usage_active=pd.to_numeric(usage["quantity"], errors="coerce").to_numpy(dtype=float)
        if usage is not None
        else empty,
        usage_seats=pd.to_numeric(usage["licensed_seats"], errors="coerce").to_numpy(dtype=float)
        if usage is not None
        else empty,
        ticket_account=tickets["account_id"].to_numpy(dtype=object)
        if tickets is not None
        else empty.astype(object),
        ticket_at=_days(tickets["created_at"]) if tickets is not None else empty,
        ticket_urgent=tickets["priority"].isin(["urgent", "high"]).to_numpy()
        if tickets is not None
        else empty.astype(bool),
        as_of=as_of,
        source=f"{base.name}/contracts.csv",
    )


def _optional(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path, dtype=str) if path.exists() else None


def _days(column: pd.Series | None) -> FloatArray:
    """Day numbers from ISO dates or timestamps (NaN where blank)."""
    if column is None:
        return np.zeros(0)
    stamps = pd.to_datetime(column, utc=True, errors="coerce", format="ISO8601")
    values = stamps.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
    values[stamps.isna().to_numpy()] = np.nan
    return np.asarray(values / _DAY_NS, dtype=np.float64)
