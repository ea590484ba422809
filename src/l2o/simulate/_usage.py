"""Product usage and support tickets: the signals a lifecycle team reads for churn risk.

Every subscription term reports monthly active users against its licensed seats. Terms that
end in churn fade over their last four months and raise more tickets, so a health score
built from usage and support can see churn coming. Lifecycle maturity decides how many
customer accounts carry a health score at all.
"""

from __future__ import annotations

import numpy as np

from l2o.simulate._clock import DAY, Window
from l2o.simulate._contracts import Lifecycle
from l2o.simulate._parameters import Parameters
from l2o.simulate._table import MISSING, Column, Table
from l2o.simulate._vocab import as_bytes

__all__ = ["build_usage"]

_PRIORITIES = as_bytes(["low", "normal", "high", "urgent"])
_CATEGORIES = as_bytes(["how_to", "bug", "billing", "outage", "feature_request"])


def build_usage(
    rng: np.random.Generator,
    p: Parameters,
    life: Lifecycle,
    contact_of_account: np.ndarray,
    n_accounts: int,
    window: Window,
) -> tuple[Table, Table, np.ndarray]:
    """``usage_records`` and ``support_tickets`` tables, and each account's health score."""
    c = life.contracts
    kind = c.get("kind")
    term = np.flatnonzero(kind != 1)  # base and renewal terms; expansions share them
    start, end = c.get("start")[term], c.get("end")[term]
    account, arr = c.get("account")[term], c.get("arr")[term]
    churned = np.isin(term, life.churned_accounts)
    first_month = start.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    last_day = np.minimum(end, window.end // DAY - 1)
    last_month = last_day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    months = np.maximum(last_month - first_month + 1, 0)
    row = np.repeat(np.arange(term.size), months)
    group_start = np.repeat(np.cumsum(months) - months, months)
    k = np.arange(row.size) - group_start
    month = first_month[row] + k
    to_end = last_month[row] - month  # months before the term's last month

    seats = np.maximum(5, arr // 60_000)
    base = rng.uniform(0.55, 0.95, term.size)
    fade = np.where(churned[row] & (to_end < 4), 0.35 + 0.15 * to_end, 1.0)
    util = np.clip(base[row] * fade + rng.normal(0, 0.05, row.size), 0.02, 1.0)
    active = np.round(seats[row] * util).astype(np.int64)
    occurred = month.astype("datetime64[M]").astype("datetime64[s]").astype(np.int64)
    occurred = np.maximum(occurred, start[row] * DAY)
    n = row.size
    usage = Table.from_columns(
        "usage_records",
        {
            "id": (Column("id", "UR"), np.arange(1, n + 1)),
            "account_id": (Column("ref", "AC"), account[row] + 1),
            "contract_id": (Column("ref", "CT"), term[row] + 1),
            "metric": (Column("text"), np.full(n, b"active_users")),
            "quantity": (Column("int"), active),
            "occurred_at": (Column("ts"), occurred),
            "licensed_seats": (Column("int"), seats[row]),
        },
    )

    at_risk = churned[row] & (to_end < 4)
    lam = 0.25 * (1 + 2 * at_risk) * np.where(seats[row] > 100, 2.0, 1.0)
    count = rng.poisson(lam)
    t_row = np.repeat(np.arange(n), count)
    nt = t_row.size
    created = occurred[t_row] + rng.integers(0, 28 * DAY, nt)
    keep = created < window.end
    t_row, created = t_row[keep], created[keep]
    nt = t_row.size
    closed = created + (rng.lognormal(np.log(1.5), 1.0, nt) * DAY).astype(np.int64)
    is_closed = closed < window.end
    priority = rng.choice(4, size=nt, p=[0.3, 0.45, 0.2, 0.05])
    category = rng.choice(5, size=nt, p=[0.35, 0.3, 0.1, 0.05, 0.2])
    acc = account[row][t_row]
    order = np.argsort(created, kind="stable")
    satisfaction = np.where(
        is_closed & (rng.random(nt) < 0.4),
        np.clip(np.round(rng.normal(4.2 - 1.5 * at_risk[t_row], 0.8)), 1, 5),
        MISSING,
    ).astype(np.int64)
    tickets = Table.from_columns(
        "support_tickets",
        {
            "id": (Column("id", "ST"), np.arange(1, nt + 1)),
            "account_id": (Column("ref", "AC"), acc[order] + 1),
            "contact_id": (Column("ref", "CO"), _ref(contact_of_account[acc[order]])),
            "created_at": (Column("ts"), created[order]),
            "closed_at": (Column("ts"), np.where(is_closed, closed, MISSING)[order]),
            "status": (Column("text"), np.where(is_closed, b"closed", b"open")[order]),
            "priority": (Column("text"), _PRIORITIES[priority][order]),
            "category": (Column("text"), _CATEGORIES[category][order]),
            "satisfaction": (Column("int"), satisfaction[order]),
        },
    )

    # Health: the latest utilisation of each customer account, where the company keeps one.
    health = np.full(n_accounts, MISSING, dtype=np.int64)
    latest = np.lexsort((occurred, account[row]))
    acc_sorted = account[row][latest]
    last_of_account = (
        np.concatenate([acc_sorted[1:] != acc_sorted[:-1], [True]]) if n else np.zeros(0, bool)
    )
    idx = latest[last_of_account]
    score = np.round(100 * util[idx] - 10 * at_risk[idx]).astype(np.int64)
    covered = rng.random(idx.size) < p.health_score_coverage
    health[account[row][idx][covered]] = np.clip(score[covered], 0, 100)
    return usage, tickets, health


def _ref(numbers: np.ndarray) -> np.ndarray:
    return np.where(numbers >= 0, numbers + 1, -1)
