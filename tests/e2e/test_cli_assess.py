"""``l2o assess questionnaire`` end to end: the template and the interactive mode."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from l2o.assess import load_answers, load_questionnaire, said_scores
from l2o.entrypoints.cli import assess

pytestmark = pytest.mark.e2e

# mounted as in the real ``l2o`` app, so ``questionnaire`` stays a named sub-command
app = typer.Typer()
app.add_typer(assess.app, name="assess")


def test_template_loads_back_as_an_empty_answers_file(tmp_path: Path):
    out = tmp_path / "answers.yaml"
    result = CliRunner().invoke(app, ["assess", "questionnaire", "--out", str(out)])
    assert result.exit_code == 0, result.output
    answers = load_answers(out)
    assert answers.levels == {}
    assert "icp_definition: null" in out.read_text(encoding="utf-8")


def test_template_goes_to_stdout_without_a_terminal():
    result = CliRunner().invoke(app, ["assess", "questionnaire"])
    assert result.exit_code == 0, result.output
    assert "technology_ai_tools: null" in result.stdout


def test_interactive_answers_every_question(tmp_path: Path):
    questionnaire = load_questionnaire()
    count = len(questionnaire.questions)
    # a bad reply is asked again; then every question gets a level, cycling 0-4
    replies = ["9"] + [str(i % 5) for i in range(count)]
    out = tmp_path / "mine.yaml"
    result = CliRunner().invoke(
        app,
        ["assess", "questionnaire", "--interactive", "--out", str(out)],
        input="\n".join(replies) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "please answer 0, 1, 2, 3 or 4" in result.output
    answers = load_answers(out, questionnaire)
    assert len(answers.levels) == count
    assert answers.levels[questionnaire.questions[0].id] == 0
    assert all(score is not None for score in said_scores(questionnaire, answers).values())
