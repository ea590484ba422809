"""``l2o dedupe`` and ``l2o merge list|undo`` through the real CLI, on both backends.

The lead registers them in ``l2o.entrypoints.cli.app``; until then the test builds the same
commands on a local Typer app from the module.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import typer
from typer.testing import CliRunner

from l2o import domain as d
from l2o.entrypoints.cli import merge
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade

pytestmark = pytest.mark.e2e

runner = CliRunner()
T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _cli() -> typer.Typer:
    from l2o.entrypoints.cli import app as root

    names = {group.name for group in root.registered_groups}
    if "merge" in names:
        return root
    local = typer.Typer()
    local.add_typer(merge.app, name="merge")
    local.command("dedupe")(merge.dedupe)
    return local


@pytest.fixture
def store(database_url: str) -> tuple[str, str, str]:
    engine = engine_for(database_url)
    upgrade(engine)
    old = d.Account(name="Globex", domain="globex.com", created_at=T0)
    new = d.Account(
        name="Globex GmbH", domain="https://www.globex.com/de", created_at=T0 + timedelta(days=3)
    )
    contact = d.Contact(last_name="Lind", account_id=new.id)
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.session.add_all([old, new, contact])
        uow.commit()
    engine.dispose()
    return database_url, old.id, new.id


def test_dedupe_dry_run_then_merge_list_and_undo(store: tuple[str, str, str]) -> None:
    url, old, new = store
    cli = _cli()

    dry = runner.invoke(cli, ["dedupe", "--type", "accounts", "--db", url, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "accounts: 2 record(s), 1 matching pair(s) in 1 cluster(s); would merge 1" in dry.output
    assert "exact:domain" in dry.output

    empty = runner.invoke(cli, ["merge", "list", "--db", url])
    assert "no merges" in empty.output

    done = runner.invoke(cli, ["dedupe", "--type", "accounts", "--db", url])
    assert done.exit_code == 0, done.output
    assert f"{new} -> {old}" in done.output

    listed = runner.invoke(cli, ["merge", "list", "--type", "accounts", "--db", url])
    assert listed.exit_code == 0, listed.output
    engine = engine_for(url)
    with SqlAlchemyUnitOfWork(engine) as uow:
        [stored] = uow.merges.list()
        assert uow.contacts.list()[0].account_id == old
    assert f"{stored.id}  Account {new} -> {old}  exact:domain p=1.000" in listed.output

    undo = runner.invoke(cli, ["merge", "undo", stored.id, "--db", url])
    assert undo.exit_code == 0, undo.output
    assert "1 reference(s) moved back" in undo.output
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.contacts.list()[0].account_id == new
    engine.dispose()

    again = runner.invoke(cli, ["merge", "undo", stored.id, "--db", url])
    assert again.exit_code == 1
    assert "already undone" in again.output


def test_unknown_type_and_unknown_merge_fail_in_one_line(store: tuple[str, str, str]) -> None:
    url, _, _ = store
    cli = _cli()
    bad = runner.invoke(cli, ["dedupe", "--type", "deals", "--db", url])
    assert bad.exit_code == 1
    assert "unknown record type deals" in bad.output
    missing = runner.invoke(cli, ["merge", "undo", "no-such-merge", "--db", url])
    assert missing.exit_code == 1
    assert "Merge 'no-such-merge' not found" in missing.output
