"""``l2o attribution`` - which channels (or campaigns) earn the conversions and their value.

::

    l2o attribution --model markov --db sqlite:///l2o.db       # the store (the default)
    l2o attribution --model markov --paths paths.csv           # the aggregated path format
    l2o attribution --csv-dir data/ --outcome revenue --json    # the neutral CSV set
    l2o attribution --touchpoints t.csv --leads l.csv --by campaign

Input is the store (``--db``, default: the configured database): one journey per live lead
from its touchpoints, valued by its converted opportunity. Or ``--paths FILE``
(``path,total_conversions,total_conversion_value,total_null``, channels separated by ``>``),
or touchpoints and leads from the neutral CSV set (``--csv-dir`` or the files one by one;
``opportunities.csv`` gives values). With ``--json`` the result is
one object on stdout: ``{"model", "channels": {CHANNEL: {"conversions", "value"}}, ...}``.
Bad input prints one line naming the file, row and rule, and exits 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from l2o.analytics.attribution import (
    DEFAULT_MODEL,
    MODELS,
    OUTCOMES,
    Credits,
    Journeys,
    TimeDecay,
    make_model,
    read_neutral_csv,
    read_paths_csv,
)
from l2o.entrypoints.cli.common import DB_OPTION, fail
from l2o.errors import L2OError, MigrationError
from l2o.services.attribution_reading import read_campaign_names, read_store_journeys
from l2o.settings import load_settings

_BY = ("channel", "campaign")
_OUTCOME_HELP = (
    "With touchpoints (the store or CSV): "
    + "; ".join(f"{k} = {v}" for k, v in OUTCOMES.items())
    + "."
)


def attribution(
    model: str = typer.Option(
        DEFAULT_MODEL, "--model", help=f"Attribution model: {', '.join(MODELS)}."
    ),
    paths: Path | None = typer.Option(
        None,
        "--paths",
        help="CSV in the aggregated path format (path,total_conversions,"
        "total_conversion_value,total_null).",
        show_default=False,
    ),
    csv_dir: Path | None = typer.Option(
        None,
        "--csv-dir",
        help="Neutral CSV folder with touchpoints.csv, leads.csv (and opportunities.csv).",
        show_default=False,
    ),
    touchpoints: Path | None = typer.Option(
        None, "--touchpoints", help="touchpoints.csv (neutral format).", show_default=False
    ),
    leads: Path | None = typer.Option(
        None, "--leads", help="leads.csv (neutral format).", show_default=False
    ),
    opportunities: Path | None = typer.Option(
        None, "--opportunities", help="opportunities.csv, for values.", show_default=False
    ),
    outcome: str = typer.Option("pipeline", "--outcome", help=_OUTCOME_HELP),
    by: str = typer.Option("channel", "--by", help="Credit per channel or per campaign."),
    sep: str = typer.Option(">", "--sep", help="Channel separator in --paths."),
    half_life_days: float = typer.Option(
        7.0, "--half-life-days", min=0.001, help="Half life of the time-decay model, in days."
    ),
    db: str | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
) -> None:
    """Credit conversions and value to channels with an attribution model."""
    if model not in MODELS:
        fail(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if by not in _BY:
        fail(f"--by must be one of {', '.join(_BY)}")
    touch_input = csv_dir is not None or touchpoints is not None or leads is not None
    if paths is not None and touch_input:
        fail("give either --paths FILE or --csv-dir DIR (or --touchpoints and --leads), not both")
    if db is not None and (paths is not None or touch_input):
        fail("give either --db URL or a CSV input (--paths, --csv-dir), not both")
    names: dict[str, str] = {}
    try:
        if paths is not None:
            journeys = read_paths_csv(paths, sep=sep)
        elif not touch_input:
            journeys = _from_store(db, outcome, hint=db is None)
            if by == "campaign":
                names = read_campaign_names(load_settings(db).database_url)
        else:
            journeys = read_neutral_csv(
                csv_dir,
                touchpoints=touchpoints,
                leads=leads,
                opportunities=opportunities,
                outcome=outcome,
            )
        if by == "campaign":
            journeys = journeys.by_campaign()
        estimator = (
            TimeDecay(half_life_days=half_life_days)
            if model == TimeDecay.name
            else make_model(model)
        )
        credits = estimator.fit(journeys).credits_
    except L2OError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(_as_json(credits, journeys, by, names)))
    else:
        _print(credits, journeys, by, names)


def _from_store(db: str | None, outcome: str, *, hint: bool) -> Journeys:
    """Journeys from the store; with no input named at all, a store without L2O's schema
    says which other inputs there are."""
    try:
        return read_store_journeys(load_settings(db).database_url, outcome=outcome)
    except MigrationError as exc:
        if not hint:
            raise
        fail(f"{exc}; or give either --paths FILE or --csv-dir DIR")


def _as_json(
    credits: Credits, journeys: Journeys, by: str, names: dict[str, str]
) -> dict[str, object]:
    out: dict[str, object] = {
        "model": credits.model,
        "channels" if by == "channel" else "campaigns": credits.as_dict(),
        "method": credits.method,
        "journeys": credits.n_journeys,
        "paths": credits.n_paths,
        "source": journeys.source,
        "excluded": journeys.excluded,
    }
    if names:
        out["campaign_names"] = {k: names[k] for k in credits.as_dict() if k in names}
    return out


def _print(credits: Credits, journeys: Journeys, by: str, names: dict[str, str]) -> None:
    console = Console()
    table = Table(title=f"Attribution: {credits.model} ({journeys.source})")
    table.add_column(by)
    if names:
        table.add_column("key")
    table.add_column("conversions", justify="right")
    table.add_column("share", justify="right")
    table.add_column("value", justify="right")
    total = credits.conversions.sum()
    for name, row in credits.as_dict().items():
        share = row["conversions"] / total if total > 0 else 0.0
        shown = [escape(names.get(name, name)), escape(name)] if names else [escape(name)]
        table.add_row(*shown, f"{row['conversions']:,.1f}", f"{share:.1%}", f"{row['value']:,.2f}")
    console.print(table)
    console.print(
        f"How: {credits.method}; from {credits.n_journeys:,.0f} journeys "
        f"({credits.n_paths:,} distinct paths), {total:,.0f} conversions, "
        f"{credits.value.sum():,.2f} value."
    )
    left_out = {k: v for k, v in journeys.excluded.items() if v}
    if left_out:
        console.print(
            "Left out (cannot be attributed): "
            + ", ".join(f"{k.replace('_', ' ')} {v:,.0f}" for k, v in left_out.items())
        )
