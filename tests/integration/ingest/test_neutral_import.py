"""Importing the neutral CSV set: counts add up, re-import changes nothing, all or nothing."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o import domain
from l2o.ingest import adapter_for, ahead
from l2o.services.import_dedupe import dedupe_imported
from l2o.services.importing import import_directory
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.schema import metadata


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
            for name, table in metadata.tables.items()
            if name not in ("import_batches",)
        }


def _csv_rows(path: Path) -> int:
    with path.open(newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_every_row_is_stored_or_quarantined(engine: Engine, company_dir: Path) -> None:
    summary = import_directory(engine, company_dir, adapter_for("neutral"))
    counts = _row_counts(engine)
    for record_type, type_counts in summary.by_type.items():
        assert type_counts.adds_up, record_type
        assert type_counts.read == _csv_rows(company_dir / f"{record_type}.csv")
        assert counts[record_type] == type_counts.inserted, record_type
    total = summary.total
    assert total.inserted > 0.8 * total.read
    assert counts["quarantined_rows"] == total.quarantined
    with SqlAlchemyUnitOfWork(engine) as uow:
        batch = uow.import_batches.get(summary.batch_id)
        assert batch.status == domain.ImportStatus.COMPLETED
        assert batch.rows_read == total.read
        assert batch.counts_add_up
        quarantined = uow.quarantine.list(batch_id=summary.batch_id, limit=5)
    for row in quarantined:
        assert row.row_number >= 2
        assert row.rule
        assert row.message
        assert row.raw


def test_reimport_changes_nothing(engine: Engine, company_dir: Path) -> None:
    first = import_directory(engine, company_dir, adapter_for("neutral"))
    before = _row_counts(engine)
    second = import_directory(engine, company_dir, adapter_for("neutral"))
    after = _row_counts(engine)
    total = second.total
    assert total.inserted == total.updated == 0
    assert total.unchanged == first.total.inserted + first.total.updated
    assert after["quarantined_rows"] - before["quarantined_rows"] == total.quarantined
    del before["quarantined_rows"], after["quarantined_rows"]
    assert after == before  # records and audit rows untouched


def test_changed_value_updates_and_audits_only_that_field(
    engine: Engine, company_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "crm"
    folder.mkdir()
    for name in ("users", "territories", "accounts"):
        shutil.copy(company_dir / f"{name}.csv", folder / f"{name}.csv")
    import_directory(engine, folder, adapter_for("neutral"))
    path = folder / "accounts.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    rows[0]["industry"] = "Aerospace"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = import_directory(engine, folder, adapter_for("neutral"))
    assert summary.by_type["accounts"].updated == 1
    with SqlAlchemyUnitOfWork(engine) as uow:
        account = uow.accounts.find_by_source("neutral", rows[0]["id"])
        assert account is not None
        assert account.industry == "Aerospace"
        assert account.version == 2
        trail = uow.audit.for_record("Account", account.id)
    assert [(e.action, e.field) for e in trail] == [
        (domain.AuditAction.CREATE, None),
        (domain.AuditAction.UPDATE, "industry"),
    ]
    assert trail[1].new_value == "Aerospace"
    assert trail[1].source == "import:neutral"


@pytest.mark.parametrize("convert_ahead", [False, True], ids=["converted_here", "ahead"])
def test_interrupted_import_leaves_the_store_as_it_was(
    engine: Engine, company_dir: Path, convert_ahead: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _row_counts(engine)
    started: list[subprocess.Popen[bytes]] = []
    popen = ahead.subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(ahead.subprocess, "Popen", recorded)
    done: list[str] = []

    def interrupt_on_third_file(record_type: str, rows: int) -> None:
        done.append(record_type)
        if len(set(done)) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_directory(
            engine,
            company_dir,
            adapter_for("neutral"),
            progress=interrupt_on_third_file,
            convert_ahead=convert_ahead,
        )
    # A process converting the files ahead was stopped with the import, and waited for.
    assert len(started) == int(convert_ahead)
    assert all(process.poll() is not None for process in started)
    assert _row_counts(engine) == before
    with SqlAlchemyUnitOfWork(engine) as uow:
        (batch,) = uow.import_batches.list()
    assert batch.status == domain.ImportStatus.FAILED
    assert batch.rows_inserted == 0
    assert "KeyboardInterrupt" in (batch.error or "")


def test_unresolvable_reference_is_quarantined_with_its_rule(
    engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "accounts.csv").write_text(
        "id,name,owner_id,parent_id\nAC-1,Acme Inc,,\nAC-2,Beta GmbH,,AC-1\nAC-3,Gamma,US-9,\n"
        "AC-4,Delta,,AC-3\n"
    )
    summary = import_directory(engine, tmp_path, adapter_for("neutral"))
    counts = summary.by_type["accounts"]
    assert (counts.inserted, counts.quarantined) == (2, 2)
    with SqlAlchemyUnitOfWork(engine) as uow:
        rows = {r.row_number: r for r in uow.quarantine.list(batch_id=summary.batch_id)}
        beta = uow.accounts.find_by_source("neutral", "AC-2")
        acme = uow.accounts.find_by_source("neutral", "AC-1")
    assert beta is not None
    assert acme is not None
    assert beta.parent_id == acme.id
    assert rows[4].field == "owner_id"
    assert rows[4].rule == "unresolved_reference"
    # AC-4's parent was refused, so AC-4 cannot point at it either.
    assert rows[5].field == "parent_id"
    assert rows[5].rule == "unresolved_reference"
    assert rows[4].raw["name"] == "Gamma"


def test_a_batch_with_dedupe_counts_its_merged_rows(engine: Engine, company_dir: Path) -> None:
    summary = import_directory(engine, company_dir, adapter_for("neutral"), dedupe=dedupe_imported)
    total = summary.total
    assert total.merged > 0
    assert all(counts.adds_up for counts in summary.by_type.values())
    with engine.connect() as connection:
        leads = metadata.tables["leads"]
        merged_leads = connection.scalar(
            sa.select(sa.func.count()).where(leads.c.merged_into_id.is_not(None))
        )
    assert merged_leads == summary.by_type["leads"].merged
    with SqlAlchemyUnitOfWork(engine) as uow:
        batch = uow.import_batches.get(summary.batch_id)
        assert (batch.rows_merged, batch.rows_inserted) == (total.merged, total.inserted)
        assert batch.counts_add_up
    # Re-importing finds every row stored already, merged ones included: nothing changes.
    again = import_directory(engine, company_dir, adapter_for("neutral"), dedupe=dedupe_imported)
    assert again.total.inserted == again.total.merged == again.total.updated == 0


def _write_duplicate_contacts(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "contacts.csv").write_text(
        "id,first_name,last_name,email,created_at\n"
        "CO-1,Ada,Lovelace,ada@analytical.example,2024-01-05T09:00:00Z\n"
        "CO-2,Ada,Lovelace,ADA@analytical.example,2024-03-01T09:00:00Z\n"
    )


def _write_touchpoints(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "touchpoints.csv").write_text(
        "id,occurred_at,touch_type,channel,contact_id\n"
        "TP-1,2024-03-02T10:00:00Z,email_reply,outbound,CO-2\n"
        "TP-2,2024-03-03T10:00:00Z,meeting,outbound,CO-1\n"
    )


def _touchpoint_contacts(engine: Engine) -> tuple[str, set[str | None]]:
    with SqlAlchemyUnitOfWork(engine) as uow:
        contacts = {c.source_id: c for c in uow.contacts.list()}
        kept = [c for c in contacts.values() if c.merged_into_id is None]
        assert len(kept) == 1, "the two contacts share an e-mail: one is merged into the other"
        pointed_at = {t.contact_id for t in uow.touchpoints.list()}
    return kept[0].id, pointed_at


def test_references_to_a_record_merged_in_the_same_batch_land_on_the_master(
    engine: Engine, tmp_path: Path
) -> None:
    _write_duplicate_contacts(tmp_path)
    _write_touchpoints(tmp_path)

    summary = import_directory(engine, tmp_path, adapter_for("neutral"), dedupe=dedupe_imported)

    assert summary.by_type["contacts"].merged == 1
    assert summary.by_type["touchpoints"].inserted == 2
    master, pointed_at = _touchpoint_contacts(engine)
    assert pointed_at == {master}


def test_references_to_a_record_merged_in_an_earlier_batch_land_on_the_master(
    engine: Engine, tmp_path: Path
) -> None:
    _write_duplicate_contacts(tmp_path / "first")
    _write_touchpoints(tmp_path / "second")

    import_directory(engine, tmp_path / "first", adapter_for("neutral"), dedupe=dedupe_imported)
    later = import_directory(engine, tmp_path / "second", adapter_for("neutral"))

    assert later.by_type["touchpoints"].inserted == 2
    master, pointed_at = _touchpoint_contacts(engine)
    assert pointed_at == {master}
