"""``l2o metrics`` - revenue metrics from the store, each with its definition and its n.

::

    l2o metrics --db sqlite:///l2o.db
    l2o metrics --as-of 2024-06-30 --by segment
    l2o metrics --period 2025Q3 --by period --backend duckdb --json

A value the data cannot support is shown as "not measured" with the reason.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from l2o.analytics.metrics import GROUPINGS, MetricReport, MetricValue, compute_metrics
from l2o.entrypoints.cli.common import DB_OPTION, fail
from l2o.errors import L2OError
from l2o.services.metrics_reading import BACKENDS, open_metrics_tables
from l2o.settings import load_settings


def metrics(
    db: str | None = DB_OPTION,
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Measure as of this day, YYYY-MM-DD (default: the store's last day).",
        show_default=False,
    ),
    by: str | None = typer.Option(
        None, "--by", help=f"Split by {', '.join(GROUPINGS)}.", show_default=False
    ),
    period: str | None = typer.Option(
        None,
        "--period",
        help="Window: 2025Q3, 2025-07 or 2025 (default: the twelve months to the as-of day).",
        show_default=False,
    ),
    backend: str | None = typer.Option(
        None,
        "--backend",
        help=f"Run the aggregates on {', '.join(BACKENDS)} (default: the store's own).",
        show_default=False,
    ),
    target: float | None = typer.Option(
        None, "--target", help="The period's pipeline target (for coverage).", show_default=False
    ),
    spend: float | None = typer.Option(
        None,
        "--spend",
        help="Acquisition spend in the window (default: campaign budgets).",
        show_default=False,
    ),
    gross_margin: float | None = typer.Option(
        None, "--gross-margin", help="Gross margin 0-1 for CAC payback.", show_default=False
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
) -> None:
    """Win rates, velocity, coverage, cycle time, conversion, funnel, retention, CAC payback."""
    try:
        url = load_settings(db).database_url
        with open_metrics_tables(url, backend) as tables:
            report = compute_metrics(
                tables,
                as_of,
                period=period,
                by=by,
                target=target,
                spend=spend,
                gross_margin=gross_margin,
            )
    except L2OError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
    else:
        _print(report)


def _shown(v: MetricValue) -> str:
    if v.value is None:
        return "not measured"
    if v.unit == "ratio":
        return f"{v.value:.1%}"
    if v.unit == "x":
        return f"{v.value:.2f}x"
    if v.unit in ("money/day",):
        return f"{v.value:,.0f}/day"
    return f"{v.value:,.1f} {v.unit}"


def _print(report: MetricReport) -> None:
    console = Console()
    title = (
        f"Metrics {report.start}..{report.end}, as of {report.as_of}"
        + (f", by {report.by}" if report.by else "")
        + f" ({report.backend})"
    )
    table = Table(title=title)
    for name in ("metric", "group", "value", "n", "how"):
        table.add_column(name, justify="right" if name in ("value", "n") else "left")
    for v in report.values:
        name = v.metric + (f" {v.step}" if v.step and v.metric == "stage_conversion" else "")
        how = v.reason or v.how
        table.add_row(name, v.group or "", _shown(v), str(v.n), escape(how))
    console.print(table)
    console.print("Definitions:")
    seen: dict[str, str] = {v.metric: v.definition for v in report.values}
    for name, text in seen.items():
        console.print(f"  [bold]{name}[/bold]: {escape(text)}")
