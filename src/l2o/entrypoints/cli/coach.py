"""``l2o coach`` - the next best actions for each open deal.

::

    l2o coach --spec architecture.yaml
    l2o coach --spec architecture.yaml --deal OP-42 --json

For each open deal: the exit criteria its next stage's gate still lacks, whether it sits in
its stage past the spec's limit, and its win chance with the factors that weigh on it (from
closed deals in the store). Reads only; nothing is written.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from l2o.entrypoints.cli.common import DB_OPTION, fail, guarded
from l2o.services.bootstrap import RevenueSystem
from l2o.services.coaching import coach_deals
from l2o.settings import load_settings
from l2o.store import ensure_current


def coach(
    db: str | None = DB_OPTION,
    spec: Path = typer.Option(
        Path("architecture.yaml"), "--spec", envvar="L2O_SPEC", help="The architecture spec (YAML)."
    ),
    deal: str | None = typer.Option(
        None, "--deal", help="Coach only this deal (its id).", show_default=False
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        help="Coach as of this moment (ISO date or time, UTC if no zone; default: now).",
        show_default=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
) -> None:
    """Next best actions for open deals: missing exit criteria, stalls, win drivers."""
    moment = _moment(at) if at else None
    url = guarded(lambda: load_settings(db).database_url)
    system = guarded(lambda: RevenueSystem.build(spec, url))
    try:
        guarded(lambda: ensure_current(system.engine))
        coaching = guarded(lambda: coach_deals(system, deal_id=deal, now=moment))
    finally:
        system.engine.dispose()
    if as_json:
        typer.echo(json.dumps({"deals": [c.to_json() for c in coaching]}))
        return
    console = Console()
    if not coaching:
        console.print("no open deals to coach")
    for c in coaching:
        d, o = c.deal, c.outlook
        chance = "-" if o.probability is None else f"{o.probability:.0%}"
        console.print(
            f"[bold]{escape(d.opportunity_id)}[/bold] {escape(d.name)} - {d.stage}"
            f"{f' -> {d.next_stage}' if d.next_stage else ''}, win chance {chance} "
            f"({escape(o.basis)})"
        )
        for action in c.actions:
            console.print(
                f"  {action.priority}. {escape(f'[{action.kind}]')} {escape(action.text)}"
            )
        if not c.actions:
            console.print("  nothing missing: ready for the next stage")


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--at {text}: not an ISO date or time (e.g. 2024-12-31)")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
