"""Gross and net revenue retention of the ARR active on the window's first day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ibis  # type: ignore[import-untyped]
import ibis.expr.types as ir  # type: ignore[import-untyped]

from l2o.analytics.metrics._asof import NONE
from l2o.analytics.metrics._scope import Scope, ratio
from l2o.analytics.metrics._tables import RevenueTables, count_if, grouped, instant
from l2o.analytics.metrics._values import MetricValue
from l2o.analytics.metrics._window import midnight

__all__ = ["active_arr", "revenue_retention"]


def active_arr(tables: RevenueTables, day: date, cutoff: datetime) -> ir.Table:
    """ARR per account from the contracts in force on ``day``, as known before ``cutoff``.

    A contract is in force from its start to its end date (both included) unless it is
    pending, or was cancelled on or before ``day`` (a contract marked cancelled with no
    date is left out). Columns: ``account_id``, ``arr``.
    """
    c = tables.contracts
    after = midnight(day + timedelta(days=1))
    known = c.created_at < instant(c.created_at, cutoff)
    not_cancelled = c.cancelled_at.isnull() & (c.status != "cancelled")
    cancelled_later = c.cancelled_at.notnull() & (c.cancelled_at >= instant(c.cancelled_at, after))
    live = c.filter(
        known
        & (c.status != "pending")
        & (c.start_date <= ibis.literal(day))
        & (c.end_date >= ibis.literal(day))
        & (not_cancelled | cancelled_later)
    )
    return live.group_by("account_id").aggregate(arr=live.arr.cast("float64").sum())


def revenue_retention(scope: Scope) -> list[MetricValue]:
    """GRR and NRR of the accounts holding ARR on the window's first day, per group."""
    w = scope.window
    if scope.by == "source":
        how = "accounts carry no lead source, so retention is not split by source"
        return [
            scope.value(name, None, 0, how, reason=f"not measured: {how}")
            for name in ("gross_revenue_retention", "net_revenue_retention")
        ]
    start = active_arr(scope.tables, w.start, w.cutoff)
    end = active_arr(scope.tables, w.end, w.cutoff).rename(end_arr="arr")
    a = scope.tables.accounts
    j = start.left_join(end, start.account_id == end.account_id).left_join(
        a, start.account_id == a.id
    )
    closing = end.end_arr.fill_null(0.0)
    facts = j.select(
        segment=a.segment.fill_null(NONE),
        owner=a.owner_id.fill_null(NONE),
        start_arr=start.arr,
        end_arr=closing,
        kept=(closing < start.arr).ifelse(closing, start.arr),
    )
    groups = grouped(
        facts,
        scope.by,
        accounts=facts.count(),
        start_arr=facts.start_arr.sum(),
        end_arr=facts.end_arr.sum(),
        kept=facts.kept.sum(),
        churned=count_if(facts.end_arr <= 0),
    )
    if not groups:
        groups = {
            None: {"accounts": 0, "start_arr": 0.0, "end_arr": 0.0, "kept": 0.0, "churned": 0}
        }
    out: list[MetricValue] = []
    for group, g in groups.items():
        n = int(g["accounts"])
        base = f"{n} accounts with {g['start_arr']:,.2f} ARR on {w.start}"
        parts = {
            "start_arr": g["start_arr"],
            "end_arr": g["end_arr"],
            "retained_arr": g["kept"],
            "churned_accounts": g["churned"],
        }
        out += [
            scope.value(
                "gross_revenue_retention",
                ratio(g["kept"], g["start_arr"]),
                n,
                f"{base} kept {g['kept']:,.2f} of it on {w.end} ({int(g['churned'])} "
                f"churned), as of {w.as_of} ({scope.tables.backend})",
                group=group,
                parts=parts,
            ),
            scope.value(
                "net_revenue_retention",
                ratio(g["end_arr"], g["start_arr"]),
                n,
                f"{base} held {g['end_arr']:,.2f} on {w.end}, as of {w.as_of} "
                f"({scope.tables.backend})",
                group=group,
                parts=parts,
            ),
        ]
    return out
