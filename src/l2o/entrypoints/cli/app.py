"""The root ``l2o`` command and its sub-command groups."""

from __future__ import annotations

import typer

from l2o.__about__ import __version__
from l2o.entrypoints.cli import (
    access,
    assess,
    attribution,
    coach,
    db,
    forecast,
    importing,
    merge,
    metrics,
    models,
    outcomes,
    quarantine,
    retention,
    revenue,
    run,
    serve,
    simulate,
    spec,
    worker,
)

app = typer.Typer(
    name="l2o",
    help=(
        "L2O - Lead-to-Order revenue architecture.\n\n"
        "Architecture first, then CRM, then AI: write the architecture as a spec, "
        "measure the company against it, enforce it on live data, report outcomes."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(spec.app, name="spec")
app.add_typer(db.app, name="db")
app.add_typer(assess.app, name="assess")
app.command("import")(importing.import_)
app.add_typer(quarantine.app, name="quarantine")
app.add_typer(merge.app, name="merge")
app.command("dedupe")(merge.dedupe)
app.add_typer(revenue.lead_app, name="lead")
app.add_typer(revenue.deal_app, name="deal")
app.add_typer(revenue.quote_app, name="quote")
app.add_typer(revenue.account_app, name="account")
app.add_typer(revenue.lifecycle_app, name="lifecycle")
app.command("replay")(revenue.replay)
app.command("worker")(worker.worker)
app.add_typer(worker.outbox, name="outbox")
app.command("simulate")(simulate.simulate)
app.command("attribution")(attribution.attribution)
app.command("forecast")(forecast.forecast)
app.command("metrics")(metrics.metrics)
app.command("outcomes")(outcomes.outcomes)
app.add_typer(models.app, name="models")
app.command("run")(run.run)
app.command("retention")(retention.retention)
app.command("coach")(coach.coach)
app.command("serve")(serve.serve)
app.add_typer(access.users_app, name="users")
app.add_typer(access.token_app, name="token")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"l2o {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """L2O - Lead-to-Order revenue architecture."""


def main() -> None:
    """Console-script entry point."""
    app()
