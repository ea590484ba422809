"""``l2o db upgrade`` and ``l2o db current`` through the real CLI, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from l2o.entrypoints.cli import app
from l2o.store import current_revision, head_revision

pytestmark = pytest.mark.e2e

runner = CliRunner()


def test_upgrade_then_current_reports_head(database_url: str) -> None:
    head = head_revision()
    before = runner.invoke(app, ["db", "current", "--db", database_url])
    assert before.exit_code == 0, before.output
    assert "no L2O schema" in before.output

    first = runner.invoke(app, ["db", "upgrade", "--db", database_url])
    assert first.exit_code == 0, first.output
    assert f"upgraded empty -> {head}" in first.output
    assert current_revision(database_url) == head

    again = runner.invoke(app, ["db", "upgrade", "--db", database_url])
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.output

    now = runner.invoke(app, ["db", "current", "--db", database_url])
    assert now.exit_code == 0, now.output
    assert f"{head} (head)" in now.output


def test_the_default_database_is_created_under_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("L2O_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "l2o-data" / "l2o.db").is_file()
    current = runner.invoke(app, ["db", "current"])
    assert f"{head_revision()} (head)" in current.output


def test_the_environment_variable_is_used_when_no_flag_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere" / "store.db"
    monkeypatch.setenv("L2O_DATABASE_URL", f"sqlite:///{target}")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert target.is_file()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/l2o", "not supported"),
        ("postgresql+psycopg://l2o:secret@127.0.0.1:1/l2o", "cannot use the database"),
        ("postgresql+psycopg://l2o:secret@host:notaport/l2o", "is not valid"),
    ],
)
@pytest.mark.parametrize("command", ["upgrade", "current"])
def test_errors_are_one_line_with_exit_status_1(command: str, url: str, expected: str) -> None:
    result = runner.invoke(app, ["db", command, "--db", url])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    output = result.output.strip()
    assert expected in output
    assert len(output.splitlines()) == 1
    assert "Traceback" not in output
    assert "secret" not in output
