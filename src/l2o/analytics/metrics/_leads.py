"""Lead metrics: speed to lead, and the MQL -> SQL -> won funnel of the window's leads."""

from __future__ import annotations

import ibis.expr.types as ir  # type: ignore[import-untyped]
import numpy as np

from l2o.analytics.metrics._asof import deal_facts, lead_facts
from l2o.analytics.metrics._scope import Scope, ratio
from l2o.analytics.metrics._tables import count_if, grouped, instant
from l2o.analytics.metrics._values import MetricValue

__all__ = ["lead_funnel", "speed_to_lead"]


def _window_leads(scope: Scope) -> ir.Table:
    """The leads created in the scope's window, as of its as-of day."""
    w = scope.window
    le = lead_facts(scope.tables, w.cutoff)
    return le.filter(
        (le.created_at >= instant(le.created_at, w.since))
        & (le.created_at < instant(le.created_at, w.stop))
    )


def speed_to_lead(scope: Scope) -> list[MetricValue]:
    """Median hours from creation to first touch of the window's leads, per group.

    The counts are aggregated by the backend; the median is taken in NumPy over the one
    column of touched leads' delays (not every backend has a portable median).
    """
    le = _window_leads(scope)
    counts = grouped(le, scope.by, leads=le.count(), touched=count_if(le.touch_seconds.notnull()))
    touched = le.filter(le.touch_seconds.notnull())
    columns = [scope.by, "touch_seconds"] if scope.by else ["touch_seconds"]
    delays = touched.select(*columns).to_pyarrow()
    seconds = np.asarray(delays.column("touch_seconds").to_numpy(zero_copy_only=False), float)
    keys = (
        np.asarray(delays.column(scope.by).to_pylist(), dtype=object)
        if scope.by
        else np.full(seconds.size, None, dtype=object)
    )
    out: list[MetricValue] = []
    for group, g in counts.items():
        mine = seconds[keys == group] if scope.by else seconds
        median = float(np.median(mine)) / 3600.0 if mine.size else None
        untouched = int(g["leads"] - g["touched"])
        out.append(
            scope.value(
                "speed_to_lead",
                median,
                int(mine.size),
                f"median over {mine.size} leads created {scope.span} and touched by then; "
                f"{untouched} not touched are left out",
                group=group,
                parts={"leads": g["leads"], "touched": g["touched"], "untouched": untouched},
            )
        )
    return out


def lead_funnel(scope: Scope) -> list[MetricValue]:
    """Lead -> MQL -> SQL -> won for the leads created in the window, as of the as-of day."""
    le = _window_leads(scope)
    d = deal_facts(scope.tables, scope.window.cutoff)
    j = le.left_join(d, le.opportunity_id == d.id)
    won = d.won.fill_null(False)
    facts = j.select(
        le[scope.by] if scope.by else le.id,
        mql=le["mql"],
        sql=le["sql"],  # ``le.sql`` is the table's SQL method, not the column
        both=le["mql"] & le["sql"],
        won=won,
        sql_won=le["sql"] & won,
    )
    groups = grouped(
        facts,
        scope.by,
        leads=facts.count(),
        mql=count_if(facts["mql"]),
        sql=count_if(facts["sql"]),
        both=count_if(facts["both"]),
        won=count_if(facts["won"]),
        sql_won=count_if(facts["sql_won"]),
    )
    out: list[MetricValue] = []
    span = scope.span
    for group, g in groups.items():
        n, mql, sql, both = int(g["leads"]), int(g["mql"]), int(g["sql"]), int(g["both"])
        won_n, sql_won = int(g["won"]), int(g["sql_won"])
        parts = {"leads": n, "mql": mql, "sql": sql, "won": won_n}
        out += [
            scope.value(
                "lead_to_mql",
                ratio(mql, n),
                n,
                f"{mql} MQL of {n} leads created {span}",
                group=group,
                step="lead>mql",
                parts=parts,
            ),
            scope.value(
                "mql_to_sql",
                ratio(both, mql),
                mql,
                f"{both} of {mql} MQLs became SQL; leads created {span}",
                group=group,
                step="mql>sql",
                parts={**parts, "mql_and_sql": both},
            ),
            scope.value(
                "sql_to_won",
                ratio(sql_won, sql),
                sql,
                f"{sql_won} of {sql} SQLs converted into a deal won by the as-of day; leads "
                f"created {span}",
                group=group,
                step="sql>won",
                parts={**parts, "sql_and_won": sql_won},
            ),
            scope.value(
                "lead_to_won",
                ratio(won_n, n),
                n,
                f"{won_n} of {n} leads created {span} converted into a deal won by then",
                group=group,
                step="lead>won",
                parts=parts,
            ),
        ]
    return out
