"""CAC payback: months of new recurring revenue it takes to earn back the acquisition spend."""

from __future__ import annotations

import ibis  # type: ignore[import-untyped]

from l2o.analytics.metrics._scope import Scope
from l2o.analytics.metrics._tables import count_if, grouped, instant
from l2o.analytics.metrics._values import MetricValue

__all__ = ["cac_payback"]


def cac_payback(scope: Scope) -> list[MetricValue]:
    """Spend / (new-customer ARR started in the window / 12) [/ gross margin].

    Spend is ``scope.spend`` when given, else the budgets of campaigns that start in the
    window; with neither, the value is "not measured" (never an assumed spend). Spend is
    not recorded per segment, owner or source, so those groupings are not measured either.
    """
    w = scope.window
    if scope.by is not None:
        how = f"spend is not recorded per {scope.by}"
        return [scope.value("cac_payback", None, 0, how, reason=f"not measured: {how}")]
    c = scope.tables.contracts
    first, last = ibis.literal(w.start), ibis.literal(w.end)
    untyped = c.contract_type.isnull() & c.renewal_of_id.isnull() & c.parent_contract_id.isnull()
    new = c.filter(
        (c.created_at < instant(c.created_at, w.cutoff))
        & (c.status != "pending")
        & ((c.contract_type == "new") | untyped)
        & (c.start_date >= first)
        & (c.start_date <= last)
    )
    arr = grouped(new, None, contracts=new.count(), arr=new.arr.cast("float64").sum())[None]
    if scope.spend is not None:
        spend, n_spend, source = scope.spend, 0, "spend given"
    else:
        k = scope.tables.campaigns
        budgeted = k.filter(
            (k.created_at < instant(k.created_at, w.cutoff))
            & (k.start_date >= first)
            & (k.start_date <= last)
        )
        got = grouped(
            budgeted,
            None,
            campaigns=count_if(budgeted.budget.notnull()),
            spend=budgeted.budget.cast("float64").sum(),
        )[None]
        if not got["campaigns"]:
            how = f"no spend given and no campaign budget starting {scope.span}"
            return [scope.value("cac_payback", None, 0, how, reason=f"not measured: {how}")]
        spend, n_spend = float(got["spend"]), int(got["campaigns"])
        source = f"budgets of {n_spend} campaigns starting in the window"
    margin = scope.gross_margin
    monthly = float(arr["arr"]) / 12.0 * (margin if margin is not None else 1.0)
    how = (
        f"{spend:,.2f} spend ({source}) / {monthly:,.2f} monthly new recurring revenue "
        f"from {int(arr['contracts'])} new-customer contracts starting {scope.span}"
        + (f", at {margin:.0%} gross margin" if margin is not None else "; no gross margin applied")
    )
    return [
        scope.value(
            "cac_payback",
            spend / monthly if monthly > 0 else None,
            int(arr["contracts"]),
            how,
            parts={"spend": spend, "new_arr": float(arr["arr"]), "campaigns": n_spend},
        )
    ]
