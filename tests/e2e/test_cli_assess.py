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


@pytest.fixture(scope="module")
def simulated_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding a small simulated company (about 1,500 leads)."""
    from l2o.ingest import adapter_for
    from l2o.services.importing import import_directory
    from l2o.simulate import simulate, write_csv
    from l2o.store import engine_for, upgrade

    directory = tmp_path_factory.mktemp("assess-cli")
    write_csv(simulate("defined", {}, leads=1_500, months=24, seed=2), directory / "csv")
    url = f"sqlite:///{directory / 'l2o.db'}"
    engine = engine_for(url)
    upgrade(engine)
    import_directory(engine, directory / "csv", adapter_for("neutral"))
    engine.dispose()
    return url


def test_assess_writes_the_contract_saves_snapshots_and_compares(simulated_db: str, tmp_path: Path):
    import json

    import jsonschema

    from l2o.assess.contract import assessment_json_schema

    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  pricing_authority: 4\n  technology_crm_depth: 3\n")
    day0 = CliRunner().invoke(
        app,
        [
            "assess",
            "--db",
            simulated_db,
            "--out",
            str(tmp_path / "d0"),
            "--name",
            "day 0",
            "--answers",
            str(answers),
            "--json",
        ],
    )
    assert day0.exit_code == 0, day0.output
    printed = json.loads(day0.stdout)
    written = json.loads((tmp_path / "d0" / "assessment.json").read_text(encoding="utf-8"))
    assert printed == written
    jsonschema.validate(written, assessment_json_schema())
    assert written["dimensions"]["pricing"]["said"] == 4.0
    assert written["technology"]["score"] == 3.0

    day90 = CliRunner().invoke(
        app, ["assess", "--db", simulated_db, "--out", str(tmp_path / "d90"), "--name", "day 90"]
    )
    assert day90.exit_code == 0, day90.output
    assert "Index" in day90.stdout
    assert "snapshot" in day90.stdout

    listed = CliRunner().invoke(app, ["assess", "list", "--db", simulated_db])
    assert listed.exit_code == 0, listed.output
    assert "day 0" in listed.stdout
    assert "day 90" in listed.stdout

    compared = CliRunner().invoke(
        app,
        [
            "assess",
            "compare",
            "day 0",
            "day 90",
            "--db",
            simulated_db,
            "--json",
            "--out",
            str(tmp_path / "cmp"),
        ],
    )
    assert compared.exit_code == 0, compared.output
    comparison = json.loads(compared.stdout)
    assert comparison["before"]["name"] == "day 0"
    assert comparison["after"]["name"] == "day 90"
    assert comparison["dimensions"]["pricing"]["metrics"]
    assert (tmp_path / "cmp" / "compare.json").exists()
    assert (tmp_path / "cmp" / "compare.html").exists()

    missing = CliRunner().invoke(app, ["assess", "compare", "day 0", "nope", "--db", simulated_db])
    assert missing.exit_code == 1
    assert "not found" in missing.output


def test_assess_without_out_says_what_is_missing(simulated_db: str):
    result = CliRunner().invoke(app, ["assess", "--db", simulated_db])
    assert result.exit_code == 1
    assert "--out" in result.output
