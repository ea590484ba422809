"""Pipeline coverage: the open pipeline a period can still close, against what it needs."""

from __future__ import annotations

from datetime import timedelta

import ibis  # type: ignore[import-untyped]

from l2o.analytics.metrics._asof import NEW_BUSINESS, deal_facts, deal_state
from l2o.analytics.metrics._scope import Scope, ratio
from l2o.analytics.metrics._tables import count_if, grouped, instant
from l2o.analytics.metrics._values import MetricValue
from l2o.analytics.metrics._window import date_of, midnight

__all__ = ["pipeline_coverage"]


def pipeline_coverage(scope: Scope) -> list[MetricValue]:
    """Open pipeline expected to close by the period's end / target (or last period's
    bookings), per group."""
    period = scope.window.period()
    start, end = date_of(period.start), date_of(period.end)
    previous_start = date_of(period.previous().start)
    cutoff = scope.window.cutoff if end > scope.window.as_of else midnight(start)
    measured = (cutoff - timedelta(days=1)).date()
    d = deal_facts(scope.tables, cutoff)
    s = deal_state(scope.tables, cutoff)
    j = d.left_join(s, d.id == s.opportunity_id)
    amount = ibis.coalesce(s.stage_amount, d.amount)
    is_open = (d.deal_type == NEW_BUSINESS) & ~d.closed
    closing = is_open & s.expected_close.notnull() & (s.expected_close < ibis.literal(end))
    won_before = (
        (d.deal_type == NEW_BUSINESS)
        & d.won
        & (d.closed_at >= instant(d.closed_at, midnight(previous_start)))
        & (d.closed_at < instant(d.closed_at, midnight(start)))
    )
    facts = j.select(
        d[scope.by] if scope.by else d.id,
        pipeline=closing.ifelse(amount, 0.0),
        closing=closing,
        undated=is_open & s.expected_close.isnull(),
        previous=won_before.ifelse(d.amount, 0.0),
    )
    groups = grouped(
        facts,
        scope.by,
        pipeline=facts.pipeline.sum(),
        deals=count_if(facts.closing),
        undated=count_if(facts.undated),
        previous=facts.previous.sum(),
    )
    out = []
    target = scope.target if scope.by is None else None
    for group, g in groups.items():
        against = (
            f"the target {target:,.2f}"
            if target is not None
            else f"{period.previous().label} new-business bookings {g['previous']:,.2f}"
        )
        how = (
            f"{g['pipeline']:,.2f} open on {measured} in {int(g['deals'])} deals expected to "
            f"close by the end of {period.label}, / {against} ({scope.tables.backend})"
        )
        if g["undated"]:
            how += f"; {int(g['undated'])} open deals without an expected close left out"
        out.append(
            scope.value(
                "pipeline_coverage",
                ratio(g["pipeline"], target if target is not None else g["previous"]),
                int(g["deals"]),
                how,
                group=group,
                parts={
                    "pipeline": g["pipeline"],
                    "denominator": target if target is not None else g["previous"],
                },
            )
        )
    return out
