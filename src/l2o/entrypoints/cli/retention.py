"""``l2o retention`` - churn risk, renewal probability and whether the health score predicts
churn, over the store or a customer file.

::

    l2o retention --db sqlite:///l2o-data/l2o.db
    l2o retention --json
    l2o retention --dataset telco Telco-Customer-Churn.csv

Every figure says how it was computed and from how many customers and churns; with too few
churns the model reports "insufficient evidence" instead of a number.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from l2o.entrypoints.cli.common import DB_OPTION, fail, guarded
from l2o.settings import load_settings
from l2o.store import engine_for, ensure_current

if TYPE_CHECKING:
    from l2o.services.retention import RetentionReport

_DATASETS = ("telco",)


def retention(
    db: str | None = DB_OPTION,
    dataset: tuple[str, Path] | None = typer.Option(
        None,
        "--dataset",
        help="Read customers from a file instead of the store: telco PATH "
        "(IBM Telco Customer Churn CSV).",
        show_default=False,
    ),
    top: int = typer.Option(10, "--top", min=0, help="Customers at risk to list."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
) -> None:
    """Churn model concordance, customers at risk, renewal chances and health-score validity."""
    # Imported here: lifelines takes seconds to load, which every other command would pay.
    from l2o.analytics.retention import read_telco_csv
    from l2o.services.retention import report_from_customers, retention_report

    if dataset is not None:
        kind, path = dataset
        if kind not in _DATASETS:
            fail(f"--dataset {kind}: unknown (use {', '.join(_DATASETS)})")
        customers = guarded(lambda: read_telco_csv(path))
        current = customers.subset(~customers.churned)  # still customers: the ones to score
        report = guarded(lambda: report_from_customers(customers, current, top=top))
    else:
        url = guarded(lambda: load_settings(db).database_url)
        engine = engine_for(url)
        try:
            guarded(lambda: ensure_current(engine))
            report = guarded(lambda: retention_report(engine, top=top))
        finally:
            engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.to_json(), default=_plain))
    else:
        _print(report)


def _plain(value: Any) -> Any:
    return float(value) if hasattr(value, "__float__") else str(value)


def _num(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _print(report: RetentionReport) -> None:
    console = Console()
    console.print(
        f"[bold]Retention[/bold] - {escape(report.source)}: {report.customers:,} customers, "
        f"{report.churned:,} churns"
    )
    if report.insufficient:
        console.print(f"churn model: insufficient evidence ({escape(report.insufficient)})")
    else:
        held = report.holdout
        console.print(
            f"churn model concordance {_num(report.concordance)} in sample, "
            f"{_num(held.concordance if held else None)} on "
            f"{held.test if held else 0:,} held-out rows - {escape(report.how)}"
        )
        drivers = ", ".join(f"{k} x{v:.2f}" for k, v in list(report.hazard_ratios.items())[:5])
        console.print(f"strongest hazard ratios: {escape(drivers)}")
    retained = ", ".join(f"{k}: {v:.1%}" for k, v in report.retained.items())
    console.print(f"still customers after {retained} (Kaplan-Meier)")
    health = report.health
    if health is not None and health.scored:
        verdict = "predicts churn" if health.predictive else "does not clearly predict churn"
        console.print(
            f"health score {verdict}: AUC {_num(health.auc)} over {health.scored:,} scored "
            f"customers ({health.churned} churned; {health.coverage:.0%} have a score)"
        )
    if report.at_risk:
        table = Table(title="Customers most at risk (next 90 days)")
        for name in ("account", "churn 90d", "renewal", "days to renewal", "health"):
            table.add_column(name, justify="left" if name == "account" else "right")
        for row in report.at_risk:
            table.add_row(
                row.name or row.account_id,
                f"{row.churn_probability_90d:.1%}",
                "-" if row.renewal_probability is None else f"{row.renewal_probability:.1%}",
                "-" if row.days_to_renewal is None else f"{row.days_to_renewal:.0f}",
                "-" if row.health is None else f"{row.health:.0f}",
            )
        console.print(table)
