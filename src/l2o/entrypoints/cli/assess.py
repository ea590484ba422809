"""``l2o assess`` - the L2O Index assessment.

::

    l2o assess --out DIR [--db URL] [--spec FILE] [--answers FILE] [--name NAME] [--json]
    l2o assess questionnaire --out answers.yaml     # the template to fill in
    l2o assess questionnaire                        # asks in the terminal, writes answers.yaml
    l2o assess list                                 # the saved snapshots
    l2o assess compare DAY0 DAY90 [--json] [--out DIR]

``l2o assess`` reads the evidence from the store, scores it against the rubric (with the
answers, if given, as the said side) and writes ``DIR/assessment.json``; every assessment is
saved as a snapshot that ``compare`` can set against a later one. Each answer is a level 0-4
(Absent, Founder-held, Defined, Enforced, Optimised); Enter skips a question, and skipped
questions take no part in the score.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from l2o.assess import (
    LEVEL_IDS,
    Answers,
    Questionnaire,
    answers_yaml,
    load_answers,
    load_questionnaire,
)
from l2o.assess.contract import assessment_json_schema
from l2o.entrypoints.cli.common import DB_OPTION, fail, guarded
from l2o.services.assessment_snapshots import compare_snapshots, list_snapshots
from l2o.settings import load_settings
from l2o.spec import load_spec
from l2o.store import engine_for, ensure_current

app = typer.Typer(
    help="The L2O Index assessment: questionnaire (said) and evidence (shown).",
    invoke_without_command=True,
)


@app.callback()
def assess(
    ctx: typer.Context,
    out: Path | None = typer.Option(
        None, "--out", help="Write assessment.json (and the deliverables) here.", show_default=False
    ),
    db: str | None = DB_OPTION,
    spec: Path | None = typer.Option(
        None,
        "--spec",
        exists=True,
        dir_okay=False,
        help="The architecture spec the evidence is measured against (optional).",
        show_default=False,
    ),
    answers: Path | None = typer.Option(
        None,
        "--answers",
        exists=True,
        dir_okay=False,
        help="The questionnaire answers (the said side; optional).",
        show_default=False,
    ),
    name: str | None = typer.Option(
        None, "--name", help="Name the snapshot (e.g. 'day 0').", show_default=False
    ),
    as_json: bool = typer.Option(False, "--json", help="Print assessment.json on stdout."),
) -> None:
    """Assess the company in the store: evidence, said, index, cost of the gap, snapshot."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        typer.echo(ctx.get_help())
        fail("give --out DIR to write the assessment")
    architecture = guarded(lambda: load_spec(spec)) if spec is not None else None
    given = guarded(lambda: load_answers(answers)) if answers is not None else None
    # Imported here: the report's renderers take seconds to load.
    from l2o.services.assessment_package import write_assessment

    engine = _engine(db)
    try:
        with Console(stderr=True).status("assessing") as status:
            package = guarded(
                lambda: write_assessment(
                    engine,
                    out,
                    spec=architecture,
                    answers=given,
                    name=name,
                    progress=lambda step: status.update(step),
                )
            )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(package.document))
        return
    _print_summary(package.document, Console())
    typer.echo(f"wrote {len(package.files)} files to {out}:")
    for path in package.files:
        typer.echo(f"  {path.relative_to(out)}")


def _print_summary(document: dict[str, Any], console: Console) -> None:
    table = Table(title=f"L2O Index: {document['name']}")
    table.add_column("dimension")
    table.add_column("score", justify="right")
    table.add_column("said", justify="right")
    table.add_column("shown", justify="right")
    table.add_column("source")
    for key, dimension in document["dimensions"].items():
        table.add_row(
            key,
            _num(dimension["score"]),
            _num(dimension["said"]),
            _num(dimension["shown"]),
            dimension["source"] or dimension.get("reason", "no score"),
        )
    console.print(table)
    readiness = document["ai_readiness"]
    cost = document["cost_of_gap"] or {}
    console.print(
        f"Index {_num(document['index'])} (sector average 1.6, Revenue Machine 3.0); "
        f"quadrant: {document['quadrant'] or 'not placed (no technology answers)'}; "
        f"AI readiness {_num(readiness['score'])} "
        f"({'ready' if readiness['ready'] else 'not ready'}); "
        f"cost of the gap {cost.get('total', 0):,.0f} {cost.get('currency', '')} a year",
        highlight=False,
    )
    gaps = [k for k, d in document["dimensions"].items() if d.get("gap")]
    if gaps:
        console.print(f"Said and shown differ by 1.0 or more on: {', '.join(gaps)}")
    if document.get("id"):
        console.print(f"Saved as snapshot {document['id']}", highlight=False)


@app.command("schema")
def schema(
    out: Path | None = typer.Option(
        None, "--out", help="Write the schema here (default: stdout).", show_default=False
    ),
) -> None:
    """Print or write the JSON Schema of assessment.json."""
    text = json.dumps(assessment_json_schema(), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.command("list")
def list_(db: str | None = DB_OPTION) -> None:
    """List the saved assessment snapshots, oldest first."""
    engine = _engine(db)
    try:
        snapshots = guarded(lambda: list_snapshots(engine))
    finally:
        engine.dispose()
    table = Table(title="Assessment snapshots")
    for column in ("id", "name", "created", "rubric", "index"):
        table.add_column(column, justify="right" if column == "index" else "left")
    for s in snapshots:
        table.add_row(
            s.id, s.name, f"{s.created_at:%Y-%m-%d %H:%M}", s.rubric_version, _num(s.index)
        )
    Console().print(table)


@app.command("compare")
def compare(
    before: str = typer.Argument(..., help="The earlier snapshot: id, id prefix or name."),
    after: str = typer.Argument(..., help="The later snapshot: id, id prefix or name."),
    db: str | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    out: Path | None = typer.Option(
        None, "--out", help="Write compare.json and compare.html here.", show_default=False
    ),
) -> None:
    """Day 0 vs day 90: two snapshots compared per dimension and metric."""
    engine = _engine(db)
    try:
        comparison = guarded(lambda: compare_snapshots(engine, before, after))
    finally:
        engine.dispose()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.json").write_text(json.dumps(comparison, indent=2) + "\n", "utf-8")
        from l2o.publish import write_comparison

        guarded(lambda: write_comparison(comparison, out))
    if as_json:
        typer.echo(json.dumps(comparison))
        return
    _print_comparison(comparison, Console())
    if out is not None:
        typer.echo(f"wrote {out / 'compare.json'} and {out / 'compare.html'}")


def _print_comparison(comparison: dict[str, Any], console: Console) -> None:
    was, now = comparison["before"], comparison["after"]
    table = Table(title=f"{was['name']} -> {now['name']}")
    for column in ("dimension / metric", "before", "after", "change"):
        table.add_column(column, justify="left" if column.startswith("dim") else "right")
    index = comparison["index"]
    table.add_row("index", _num(index["before"]), _num(index["after"]), _change(index["change"]))
    for key, dimension in comparison["dimensions"].items():
        table.add_row(
            f"[bold]{key}[/]",
            _num(dimension["before"]),
            _num(dimension["after"]),
            _change(dimension["change"]),
        )
        for metric in dimension["metrics"]:
            table.add_row(
                f"  {metric['name']}",
                _num(metric["before"], 3),
                _num(metric["after"], 3),
                _change(metric["change"], 3),
            )
    console.print(table)
    for note in comparison["notes"]:
        console.print(f"note: {note}", highlight=False)


def _engine(db: str | None) -> Any:
    url = guarded(lambda: load_settings(db).database_url)
    engine = engine_for(url)
    guarded(lambda: ensure_current(engine))
    return engine


def _num(value: Any, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _change(value: Any, places: int = 2) -> str:
    return "—" if value is None else f"{value:+.{places}f}"


_DEFAULT_ANSWERS = Path("answers.yaml")


@app.command("questionnaire")
def questionnaire(
    out: Path | None = typer.Option(
        None, "--out", help="Write the answers file here.", show_default=False
    ),
    interactive: bool | None = typer.Option(
        None,
        "--interactive/--template",
        help="Ask each question here, or write the template to fill in. "
        "Default: ask when stdin is a terminal and no --out is given.",
        show_default=False,
    ),
) -> None:
    """Answer the questionnaire in the terminal, or write it as a YAML template."""
    questions = guarded(load_questionnaire)
    ask = interactive if interactive is not None else (out is None and sys.stdin.isatty())
    if not ask:
        text = answers_yaml(questions)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            typer.echo(f"wrote the questionnaire template to {out}", err=True)
        return
    target = out or _DEFAULT_ANSWERS
    answers = _ask(questions)
    target.write_text(answers_yaml(questions, answers), encoding="utf-8")
    typer.echo(f"wrote {len(answers.levels)} answer(s) to {target}")


def _ask(questions: Questionnaire) -> Answers:
    levels: dict[str, int] = {}
    for section in questions.sections:
        typer.secho(f"\n{section.title}", bold=True)
        for question in section.questions:
            typer.echo(f"\n{question.text}")
            for option in question.options:
                typer.echo(f"  {option.level}  {option.text}")
            level = _prompt_level()
            if level is not None:
                levels[question.id] = level
    return Answers(levels)


def _prompt_level() -> int | None:
    while True:
        reply = typer.prompt("level 0-4 (Enter to skip)", default="", show_default=False)
        reply = reply.strip().lower()
        if not reply:
            return None
        if reply.isdigit() and int(reply) < len(LEVEL_IDS):
            return int(reply)
        if reply in LEVEL_IDS:
            return LEVEL_IDS.index(reply)
        typer.echo("please answer 0, 1, 2, 3 or 4")
