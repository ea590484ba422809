"""Stage-to-stage conversion: of the deals that entered a stage, how many went further."""

from __future__ import annotations

from datetime import datetime

import ibis  # type: ignore[import-untyped]

from l2o.analytics.metrics._asof import NEW_BUSINESS, deal_facts, stage_entries
from l2o.analytics.metrics._scope import Scope, ratio
from l2o.analytics.metrics._tables import RevenueTables, count_if, instant, rows
from l2o.analytics.metrics._values import MetricValue

__all__ = ["stage_conversion", "stage_order"]


def stage_order(tables: RevenueTables, cutoff: datetime) -> tuple[tuple[str, ...], str | None]:
    """The open stages in pipeline order, and the won stage, as the data shows them.

    Closed stages are those deals closed before ``cutoff`` rest in (the won stage is where
    most won deals rest); open stages are ordered by the mean position at which deals
    entered them (first entry is position 0).
    """
    o = tables.opportunities
    done = o.filter(o.closed_at.notnull() & (o.closed_at < instant(o.closed_at, cutoff)))
    ends = rows(done.group_by("stage").aggregate(won=count_if(done.is_won)))
    closed = {str(r["stage"]) for r in ends}
    winners = [r for r in ends if r["won"]]
    won = str(max(winners, key=lambda r: r["won"])["stage"]) if winners else None
    firsts = stage_entries(tables, cutoff)
    order = ibis.window(group_by=firsts.opportunity_id, order_by=firsts.entered_at)
    placed = firsts.mutate(position=ibis.row_number().over(order))
    means = rows(
        placed.group_by("stage").aggregate(position=placed.position.cast("float64").mean())
    )
    open_stages = sorted(
        (r for r in means if str(r["stage"]) not in closed),
        key=lambda r: (r["position"], r["stage"]),
    )
    return tuple(str(r["stage"]) for r in open_stages), won


def stage_conversion(scope: Scope) -> list[MetricValue]:
    """For each open stage S: new-business deals that entered S in the window, and how many
    had reached a later stage (or won) by the as-of day, per group."""
    w = scope.window
    inferred, won = stage_order(scope.tables, w.cutoff)
    stages = scope.stages or inferred
    if not stages:
        return [scope.value("stage_conversion", None, 0, f"no stage history before {w.as_of}")]
    ranks = [(s, i) for i, s in enumerate(stages)]
    if won is not None and won not in stages:
        ranks.append((won, len(stages)))
    entries = stage_entries(scope.tables, w.cutoff)
    ranked = entries.mutate(rank=entries.stage.cases(*ranks, else_=-1))
    # A window, not a self-join: SQLite cannot index a grouped subquery to join on.
    per_deal = ibis.window(group_by=ranked.opportunity_id)
    ranked = ranked.mutate(furthest=ranked["rank"].max().over(per_deal))
    d = deal_facts(scope.tables, w.cutoff)
    entered = ranked.filter(
        (ranked.entered_at >= instant(ranked.entered_at, w.since))
        & (ranked.entered_at < instant(ranked.entered_at, w.stop))
        & (ranked["rank"] >= 0)
        & (ranked["rank"] < len(stages))
    )
    j = entered.join(d, entered.opportunity_id == d.id)
    j = j.filter(j.deal_type == NEW_BUSINESS)
    keys = ["stage", scope.by] if scope.by else ["stage"]
    result = rows(
        j.group_by(keys).aggregate(entered=j.count(), advanced=count_if(j.furthest > j["rank"]))
    )
    counts = {(str(r["stage"]), str(r[scope.by]) if scope.by else None): r for r in result}
    groups = list(dict.fromkeys(g for _, g in counts)) or [None]
    order = f"stage order {' > '.join(stages)}" + (f" > {won}" if won else "")
    out: list[MetricValue] = []
    for group in groups:
        for i, stage in enumerate(stages):
            r = counts.get((stage, group), {"entered": 0, "advanced": 0})
            after = stages[i + 1] if i + 1 < len(stages) else (won or "won")
            n, moved = int(r["entered"]), int(r["advanced"])
            out.append(
                scope.value(
                    "stage_conversion",
                    ratio(moved, n),
                    n,
                    f"{moved} of {n} new-business deals entering {stage} {scope.span} "
                    f"reached {after} or later ({order})",
                    group=group,
                    step=f"{stage}>{after}",
                    parts={"entered": n, "advanced": moved},
                )
            )
    return out
