"""``l2o import``, ``l2o quarantine`` and ``l2o simulate --db`` through the real commands.

The commands are mounted on an app the way the root CLI mounts them (``l2o import``,
``l2o quarantine ...``), so the test does not depend on the root's registration order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from l2o.entrypoints.cli import app as root_app
from l2o.entrypoints.cli import importing, quarantine, simulate
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade

pytestmark = pytest.mark.e2e

runner = CliRunner()


def _app() -> typer.Typer:
    names = {command.name for command in root_app.registered_commands}
    if "import" in names:
        return root_app
    app = typer.Typer()
    app.command("import")(importing.import_)
    app.command("simulate")(simulate.simulate)
    app.add_typer(quarantine.app, name="quarantine")
    return app


@pytest.fixture
def migrated(database_url: str) -> str:
    upgrade(database_url)
    return database_url


def _write_leads(folder: Path, rows: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "leads.csv").write_text("id,first_name,last_name,email,created_at\n" + rows)


def test_import_json_then_quarantine_show_and_retry(migrated: str, tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    _write_leads(
        folder,
        "LD-1,Ana,Lopez,ana@acme.example,2024-03-31T14:05:00Z\n"
        "LD-2,Bo,Berg,bo@@acme,2024-03-31T14:05:00Z\n"
        'LD-3,=HYPERLINK("http://x.example"),Kim,kim@acme.example,2024-03-31T14:05:00Z\n',
    )
    app = _app()
    result = runner.invoke(app, ["import", str(folder), "--db", migrated, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["read"], summary["inserted"], summary["quarantined"]) == (3, 1, 2)
    assert summary["by_type"]["leads"]["merged"] == 0
    batch = summary["batch_id"]

    listed = runner.invoke(app, ["quarantine", "list", "--db", migrated])
    assert listed.exit_code == 0
    assert batch[:8] in listed.output

    shown = runner.invoke(app, ["quarantine", "show", batch, "--db", migrated, "--json"])
    assert shown.exit_code == 0, shown.output
    rows = [json.loads(line) for line in shown.stdout.strip().splitlines()]
    assert {(r["row_number"], r["field"], r["rule"]) for r in rows} == {
        (3, "email", "invalid_email"),
        (4, "first_name", "formula_injection"),
    }
    assert rows[0]["raw"]["id"] in ("LD-2", "LD-3")

    _write_leads(  # the user fixes the file, then retries the batch
        folder,
        "LD-1,Ana,Lopez,ana@acme.example,2024-03-31T14:05:00Z\n"
        "LD-2,Bo,Berg,bo@acme.example,2024-03-31T14:05:00Z\n"
        "LD-3,Hyperlink,Kim,kim@acme.example,2024-03-31T14:05:00Z\n",
    )
    retried = runner.invoke(app, ["quarantine", "retry", batch, "--db", migrated, "--json"])
    assert retried.exit_code == 0, retried.output
    again = json.loads(retried.stdout.strip().splitlines()[-1])
    assert (again["inserted"], again["unchanged"], again["quarantined"]) == (2, 1, 0)
    assert again["previously_quarantined"] == 2


def test_import_prints_a_summary_table(migrated: str, tmp_path: Path) -> None:
    _write_leads(tmp_path / "crm", "LD-1,Ana,Lopez,ana@acme.example,2024-03-31T14:05:00Z\n")
    result = runner.invoke(_app(), ["import", str(tmp_path / "crm"), "--db", migrated])
    assert result.exit_code == 0, result.output
    assert "leads" in result.output
    assert "Batch " in result.output


def test_import_errors_are_one_line(tmp_path: Path) -> None:
    _write_leads(tmp_path / "crm", "LD-1,Ana,Lopez,ana@acme.example,\n")
    url = f"sqlite:///{tmp_path / 'empty.db'}"  # not migrated
    result = runner.invoke(_app(), ["import", str(tmp_path / "crm"), "--db", url])
    assert result.exit_code == 1
    assert "l2o db upgrade" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "source_system: x\nfiles:\n  - file: a.csv\n    record_type: deals\n    fields: {}\n"
    )
    result = runner.invoke(_app(), ["import", str(tmp_path / "crm"), "--mapping", str(bad)])
    assert result.exit_code == 1
    assert "files[0]" in result.output
    assert "unknown record_type 'deals'" in result.output


def test_simulate_db_goes_through_the_importer(migrated: str, tmp_path: Path) -> None:
    truth = str(tmp_path / "truth.json")
    result = runner.invoke(
        _app(),
        [
            "simulate",
            "--leads",
            "300",
            "--months",
            "6",
            "--seed",
            "2",
            "--db",
            migrated,
            "--truth",
            truth,
        ],
    )
    assert result.exit_code == 0, result.output
    engine = engine_for(migrated)
    try:
        with SqlAlchemyUnitOfWork(engine) as uow:
            (batch,) = uow.import_batches.list()
            leads = uow.leads.count(source_system="neutral")
    finally:
        engine.dispose()
    assert batch.status == "completed"
    assert batch.counts_add_up
    assert leads > 250
    assert batch.rows_inserted > leads


EXAMPLE_SPEC = Path(__file__).resolve().parents[2] / "examples" / "revenue-machine.yaml"


def test_import_applies_the_spec_given_or_says_it_did_not(
    migrated: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("L2O_SPEC", raising=False)
    _write_leads(tmp_path / "crm", "LD-1,Ana,Lopez,ana@acme.example,2024-03-31T14:05:00Z\n")
    app = _app()
    plain = runner.invoke(app, ["import", str(tmp_path / "crm"), "--db", migrated])
    assert plain.exit_code == 0, plain.output
    assert "rules were not applied" in plain.output
    as_json = runner.invoke(app, ["import", str(tmp_path / "crm"), "--db", migrated, "--json"])
    assert json.loads(as_json.stdout.strip().splitlines()[-1])["rules"] is None

    _write_leads(tmp_path / "crm", "LD-1,Ana,Lopez,ana@acme.example,2024-04-01T09:00:00Z\n")
    args = ["import", str(tmp_path / "crm"), "--db", migrated, "--spec", str(EXAMPLE_SPEC)]
    scored = runner.invoke(app, args)
    assert scored.exit_code == 0, scored.output
    assert "1 leads scored" in scored.output

    # $L2O_SPEC is the default, as for the API.
    monkeypatch.setenv("L2O_SPEC", str(EXAMPLE_SPEC))
    _write_leads(tmp_path / "crm", "LD-1,Ana,Lopez,ana@acme.example,2024-04-02T09:00:00Z\n")
    result = runner.invoke(app, ["import", str(tmp_path / "crm"), "--db", migrated, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["rules"] == {"leads_scored": 1, "moves_checked": 0, "moves_refused": 0}
    engine = engine_for(migrated)
    try:
        with SqlAlchemyUnitOfWork(engine) as uow:
            (lead,) = uow.leads.list(source_id="LD-1")
    finally:
        engine.dispose()
    assert lead.fit_score is not None
