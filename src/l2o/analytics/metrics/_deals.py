"""Deal outcomes in a window: win rate (count and amount), cycle time, sales velocity and
the expansion share of bookings, from one aggregate over the deals as of the as-of day."""

from __future__ import annotations

import ibis.expr.types as ir  # type: ignore[import-untyped]

from l2o.analytics.metrics._asof import EXPANSION, NEW_BUSINESS, deal_facts
from l2o.analytics.metrics._scope import Scope, ratio
from l2o.analytics.metrics._tables import count_if, grouped, instant
from l2o.analytics.metrics._values import MetricValue

__all__ = ["deal_outcomes"]

_DAY = 86400.0


def deal_outcomes(scope: Scope) -> list[MetricValue]:
    """Win rates, cycle time, sales velocity and expansion share per group."""
    w = scope.window
    d = deal_facts(scope.tables, w.cutoff)
    in_window = (
        d.closed
        & (d.closed_at >= instant(d.closed_at, w.since))
        & (d.closed_at < instant(d.closed_at, w.stop))
    )
    new = d.deal_type == NEW_BUSINESS
    closed = new & in_window
    won = closed & d.won
    priced = closed & d.amount.notnull()
    open_at_end = (
        new
        & (d.created_at < instant(d.created_at, w.stop))
        & (d.closed_at.isnull() | (d.closed_at >= instant(d.closed_at, w.stop)))
    )
    won_expansion = (d.deal_type == EXPANSION) & in_window & d.won
    seconds = d.closed_at.epoch_seconds() - d.created_at.epoch_seconds()
    cycle: ir.NumericValue = seconds.cast("float64") / _DAY
    groups = grouped(
        d,
        scope.by,
        closed=count_if(closed),
        won=count_if(won),
        priced=count_if(priced),
        priced_won=count_if(priced & d.won),
        closed_amount=d.amount.sum(where=priced),
        won_amount=d.amount.sum(where=priced & d.won),
        cycle_days=cycle.sum(where=won),
        open_at_end=count_if(open_at_end),
        expansion_won=count_if(won_expansion & d.amount.notnull()),
        expansion_amount=d.amount.sum(where=won_expansion),
    )
    out: list[MetricValue] = []
    for group, g in groups.items():
        out.extend(_values(scope, group, g))
    return out


def _values(scope: Scope, group: str | None, g: dict[str, float]) -> list[MetricValue]:
    span = scope.span
    closed, won = int(g["closed"]), int(g["won"])
    win_rate = ratio(won, closed)
    cycle = ratio(g["cycle_days"], won)
    mean_won = ratio(g["won_amount"], g["priced_won"])
    velocity = (
        g["open_at_end"] * win_rate * mean_won / cycle
        if win_rate is not None and mean_won is not None and cycle
        else None
    )
    bookings = g["won_amount"] + g["expansion_amount"]
    return [
        scope.value(
            "win_rate_count",
            win_rate,
            closed,
            f"{won} won of {closed} new-business deals closed {span}",
            group=group,
            parts={"won": won, "closed": closed},
        ),
        scope.value(
            "win_rate_amount",
            ratio(g["won_amount"], g["closed_amount"]),
            int(g["priced"]),
            f"{g['won_amount']:,.2f} won of {g['closed_amount']:,.2f} closed over "
            f"{int(g['priced'])} new-business deals with an amount, closed {span}",
            group=group,
            parts={"won_amount": g["won_amount"], "closed_amount": g["closed_amount"]},
        ),
        scope.value(
            "cycle_time",
            cycle,
            won,
            f"mean of created-to-closed days over {won} new-business deals won {span}",
            group=group,
            parts={"total_days": g["cycle_days"], "won": won},
        ),
        scope.value(
            "sales_velocity",
            velocity,
            closed,
            f"{int(g['open_at_end'])} open deals x win rate x mean won amount / cycle time, "
            f"rates from {closed} deals closed {span}",
            group=group,
            parts={
                "open_deals": g["open_at_end"],
                "win_rate": win_rate or 0.0,
                "mean_won_amount": mean_won or 0.0,
                "cycle_days": cycle or 0.0,
            },
        ),
        scope.value(
            "expansion_share",
            ratio(g["expansion_amount"], bookings),
            int(g["expansion_won"] + g["priced_won"]),
            f"{g['expansion_amount']:,.2f} won on {int(g['expansion_won'])} expansion deals of "
            f"{bookings:,.2f} won on new-business and expansion deals closed {span}",
            group=group,
            parts={"expansion_amount": g["expansion_amount"], "bookings": bookings},
        ),
    ]
