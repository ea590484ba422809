"""Compute every metric for an as-of day and window, overall or per group."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime

from l2o.analytics.metrics._cac import cac_payback
from l2o.analytics.metrics._deals import deal_outcomes
from l2o.analytics.metrics._definitions import DEFINITIONS
from l2o.analytics.metrics._errors import MetricsError
from l2o.analytics.metrics._leads import lead_funnel, speed_to_lead
from l2o.analytics.metrics._pipeline import pipeline_coverage
from l2o.analytics.metrics._retention import revenue_retention
from l2o.analytics.metrics._scope import Scope
from l2o.analytics.metrics._stages import stage_conversion
from l2o.analytics.metrics._tables import RevenueTables, rows
from l2o.analytics.metrics._values import MetricReport, MetricValue
from l2o.analytics.metrics._window import as_date, window_for

__all__ = ["FAMILIES", "GROUPINGS", "compute_metrics", "last_day"]

Family = Callable[[Scope], list[MetricValue]]

FAMILIES: dict[str, tuple[Family, tuple[str, ...]]] = {
    "deal_outcomes": (
        deal_outcomes,
        ("win_rate_count", "win_rate_amount", "cycle_time", "sales_velocity", "expansion_share"),
    ),
    "pipeline_coverage": (pipeline_coverage, ("pipeline_coverage",)),
    "stage_conversion": (stage_conversion, ("stage_conversion",)),
    "speed_to_lead": (speed_to_lead, ("speed_to_lead",)),
    "lead_funnel": (lead_funnel, ("lead_to_mql", "mql_to_sql", "sql_to_won", "lead_to_won")),
    "revenue_retention": (
        revenue_retention,
        ("gross_revenue_retention", "net_revenue_retention"),
    ),
    "cac_payback": (cac_payback, ("cac_payback",)),
}
"""Each function that computes metrics, and the metrics it gives (one query or a few each)."""

GROUPINGS = ("segment", "owner", "source", "period")
"""What ``by`` may be: a deal's account segment, its owner, its lead source, or the
calendar periods of the window."""


def last_day(tables: RevenueTables) -> date | None:
    """The latest day the store has a record of (its "now"), or None when it is empty."""
    o, le, sc = tables.opportunities, tables.leads, tables.stage_changes
    found = rows(
        o.aggregate(a=o.created_at.max(), b=o.closed_at.max())
        .cross_join(le.aggregate(c=le.created_at.max()))
        .cross_join(sc.aggregate(d=sc.changed_at.max()))
    )[0]
    days = [as_date(v) for v in found.values() if isinstance(v, datetime)]
    return max(days) if days else None


def compute_metrics(
    tables: RevenueTables,
    as_of: str | date | datetime | None = None,
    *,
    period: str | None = None,
    by: str | None = None,
    target: float | None = None,
    spend: float | None = None,
    gross_margin: float | None = None,
    stages: Sequence[str] | None = None,
    metrics: Collection[str] | None = None,
) -> MetricReport:
    """Every metric (or those named in ``metrics``) as of ``as_of`` over the window.

    The window is ``period`` (``2025Q3``, ``2025-07``, ``2025``) up to the as-of day, else
    the twelve months ending on it; ``as_of`` defaults to the store's last day. ``by`` splits
    by segment, owner, source or period. ``target`` is the period's pipeline target,
    ``spend`` the acquisition spend in the window (else campaign budgets), ``gross_margin``
    (0-1) applies to CAC payback, ``stages`` gives the open stages in order (else inferred).

    >>> report = compute_metrics(tables, "2025-06-30", by="segment")
    >>> report.get("win_rate_count", "enterprise").value
    """
    if by is not None and by not in GROUPINGS:
        raise MetricsError(f"cannot group metrics by {by!r}; choose one of {', '.join(GROUPINGS)}")
    unknown = sorted(set(metrics or ()) - set(DEFINITIONS))
    if unknown:
        raise MetricsError(f"unknown metric(s) {', '.join(unknown)}; see l2o.analytics.metrics")
    if gross_margin is not None and not 0 < gross_margin <= 1:
        raise MetricsError(f"gross margin {gross_margin} must be in (0, 1]")
    if as_of is None:
        found = last_day(tables)
        if found is None:
            raise MetricsError("the store has no deals or leads: give --as-of or load data")
        as_of = found
    window = window_for(as_of, period)
    families = [
        fn for fn, names in FAMILIES.values() if metrics is None or set(names) & set(metrics)
    ]
    common = {
        "target": target,
        "spend": spend,
        "gross_margin": gross_margin,
        "stages": tuple(stages) if stages else None,
    }
    if by == "period":
        scopes = [
            Scope(tables, part, label=part.label, **common)  # type: ignore[arg-type]
            for part in window.periods()
        ]
    else:
        scopes = [Scope(tables, window, by=by, **common)]  # type: ignore[arg-type]
    values: list[MetricValue] = []
    for scope in scopes:
        for family in families:
            values.extend(family(scope))
    if metrics is not None:
        values = [v for v in values if v.metric in metrics]
    return MetricReport(
        as_of=window.as_of,
        start=window.start,
        end=window.end,
        by=by,
        backend=tables.backend,
        values=tuple(values),
    )
