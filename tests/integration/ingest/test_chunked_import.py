"""A file imported in many chunks, into a store without its records and into one holding some:
each row found stored is compared, each new one inserted once, and the counts add up."""

from __future__ import annotations

import csv
import gc
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.ingest import adapter_for
from l2o.services import importing
from l2o.services.importing import import_directory
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.schema import metadata


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _stored(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(metadata.tables[table]))


def test_chunks_insert_new_rows_once_and_update_stored_ones(
    engine: Engine, company_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "crm"
    folder.mkdir()
    for name in ("users", "territories", "accounts"):
        shutil.copy(company_dir / f"{name}.csv", folder / f"{name}.csv")
    contacts = list(csv.DictReader((company_dir / "contacts.csv").open(newline="")))
    half = len(contacts) // 2
    _write(folder / "contacts.csv", contacts[:half])
    first = import_directory(engine, folder, adapter_for("neutral"), chunk_rows=7)
    counts = first.by_type["contacts"]
    assert counts.read == half
    assert counts.adds_up
    assert counts.inserted == _stored(engine, "contacts")
    assert counts.updated == counts.unchanged == 0

    contacts[1]["title"] = "Chief Revenue Officer"  # a stored contact changes
    _write(folder / "contacts.csv", contacts)
    second = import_directory(engine, folder, adapter_for("neutral"), chunk_rows=7)
    counts = second.by_type["contacts"]
    assert counts.adds_up
    assert counts.read == len(contacts)
    assert counts.updated == 1
    assert counts.unchanged == first.by_type["contacts"].inserted - 1
    assert counts.inserted == len(contacts) - half - counts.quarantined
    assert _stored(engine, "contacts") == first.by_type["contacts"].inserted + counts.inserted
    with SqlAlchemyUnitOfWork(engine) as uow:
        contact = uow.contacts.find_by_source("neutral", contacts[1]["id"])
    assert contact is not None
    assert contact.title == "Chief Revenue Officer"


def test_the_cycle_collector_rests_while_a_chunk_is_written_and_runs_between_chunks(
    engine: Engine, company_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "crm"
    folder.mkdir()
    for name in ("users", "territories", "accounts", "contacts"):
        shutil.copy(company_dir / f"{name}.csv", folder / f"{name}.csv")
    seen: list[bool] = []
    write = importing._BatchRun._write

    def observed(run: Any, chunk: Any) -> Any:
        seen.append(gc.isenabled())
        return write(run, chunk)

    monkeypatch.setattr(importing._BatchRun, "_write", observed)
    assert gc.isenabled()
    summary = import_directory(engine, folder, adapter_for("neutral"), chunk_rows=7)
    assert summary.total.adds_up
    assert len(seen) > 4  # the files' chunks
    assert not any(seen)  # the collector off for each
    assert gc.isenabled()

    def failing(run: Any, chunk: Any) -> Any:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importing._BatchRun, "_write", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_directory(engine, folder, adapter_for("neutral"), chunk_rows=7)
    assert gc.isenabled()  # on again after a failed chunk
