"""``l2o outcomes`` - the revenue outcomes report: what a board or an adviser reads about
outcomes, as HTML and PDF with charts, and the figures behind it as JSON.

::

    l2o outcomes --out l2o-out                          # the quarter still open
    l2o outcomes --out l2o-out --period 2025Q3 --db sqlite:///l2o.db
    l2o outcomes --out l2o-out --json                   # the figures on stdout too

Writes ``outcomes.html``, ``outcomes.pdf`` and ``outcomes.json`` into ``--out``: the revenue
metrics (as ``l2o metrics``), the period's forecast (as ``l2o forecast``), every method's
backtested track record, attribution per channel and across models (as ``l2o attribution``)
and retention (as ``l2o retention``). A section the store cannot support says why instead.
Progress goes to stderr; the last line names the files.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from l2o.entrypoints.cli.common import DB_OPTION, fail
from l2o.errors import L2OError
from l2o.settings import load_settings


def outcomes(
    out: Path = typer.Option(..., "--out", help="Folder for outcomes.html, .pdf and .json."),
    db: str | None = DB_OPTION,
    period: str | None = typer.Option(
        None,
        "--period",
        help="Period to forecast: 2025Q3, 2025-07 or 2025 (default: the quarter still open).",
        show_default=False,
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Also print the figures as one JSON object on stdout."
    ),
) -> None:
    """Write the outcomes report: metrics, forecast, track record, attribution, retention."""
    from l2o.services.outcomes_report import write_outcomes  # seconds to load

    status = Console(stderr=True)
    try:
        url = load_settings(db).database_url
        with status.status("gathering the outcomes") as shown:
            package = write_outcomes(url, out, period, progress=shown.update)
    except L2OError as exc:
        fail(str(exc))
    skipped = [name for name, section in package.figures["sections"].items() if section["skipped"]]
    names = ", ".join(str(path) for path in package.files)
    note = f" ({len(skipped)} section(s) skipped: {', '.join(skipped)})" if skipped else ""
    line = f"outcomes report for {package.figures['period'] or 'no period'}: {names}{note}"
    if as_json:
        typer.echo(json.dumps(package.figures))
        typer.echo(line, err=True)
    else:
        typer.echo(line)
