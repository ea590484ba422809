"""``l2o assess`` - the L2O Index assessment.

::

    l2o assess questionnaire --out answers.yaml     # the template to fill in
    l2o assess questionnaire                        # asks in the terminal, writes answers.yaml
    l2o assess questionnaire --interactive --out mine.yaml

Each answer is a level 0-4 (Absent, Founder-held, Defined, Enforced, Optimised); Enter skips a
question, and skipped questions take no part in the score.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from l2o.assess import LEVEL_IDS, Answers, Questionnaire, answers_yaml, load_questionnaire
from l2o.entrypoints.cli.common import guarded

app = typer.Typer(
    help="The L2O Index assessment: questionnaire (said) and evidence (shown).",
    no_args_is_help=True,
)

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
