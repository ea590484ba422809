"""Revenue metrics, each with its definition, its n and how it was computed.

Every aggregation is an Ibis expression over the store's tables, so the same code runs on
SQLite, DuckDB and PostgreSQL (and any warehouse Ibis reaches). A service hands in the
tables (:class:`RevenueTables`); :func:`compute_metrics` gives a :class:`MetricReport`::

    from l2o.analytics.metrics import RevenueTables, compute_metrics

    tables = RevenueTables.from_connection(ibis.sqlite.connect("l2o.db"))
    report = compute_metrics(tables, "2025-06-30", by="segment")
    v = report.get("win_rate_count", "enterprise")
    v.value, v.n, v.definition, v.how

Metrics as of a past day are rebuilt from timestamps and stage history: only what was
known on that day is used. A metric the data cannot support (no spend for CAC payback, no
closed deals) is "not measured" with the reason, never a guess. See docs/metrics.md.
"""

from l2o.analytics.metrics._asof import deal_facts, deal_state, lead_facts, stage_entries
from l2o.analytics.metrics._compute import FAMILIES, GROUPINGS, compute_metrics, last_day
from l2o.analytics.metrics._definitions import DEFINITIONS, Definition
from l2o.analytics.metrics._errors import MetricsError
from l2o.analytics.metrics._retention import active_arr
from l2o.analytics.metrics._stages import stage_order
from l2o.analytics.metrics._tables import TABLES, RevenueTables
from l2o.analytics.metrics._values import MetricReport, MetricValue
from l2o.analytics.metrics._window import Window, window_for

__all__ = [
    "DEFINITIONS",
    "FAMILIES",
    "GROUPINGS",
    "TABLES",
    "Definition",
    "MetricReport",
    "MetricValue",
    "MetricsError",
    "RevenueTables",
    "Window",
    "active_arr",
    "compute_metrics",
    "deal_facts",
    "deal_state",
    "last_day",
    "lead_facts",
    "stage_entries",
    "stage_order",
    "window_for",
]
