"""Files converted in a second process, ahead of the writer: the same records, the same
quarantine, and a failure or an early stop that leaves no process behind."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o import domain
from l2o.ingest import (
    ConversionFailed,
    RowChunk,
    SourceFile,
    StagedRow,
    adapter_for,
    converted_files,
)
from l2o.ingest.problems import Rejection
from l2o.services.importing import import_directory
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.bulk import BulkWriter
from l2o.store.schema import metadata

_FILES = ("users", "territories", "accounts", "contacts", "leads", "touchpoints")


def _mangled_company(company_dir: Path, folder: Path) -> Path:
    """Part of the company, with a lead the converter refuses (its e-mail) and touchpoints
    the writer refuses (a lead that is not there): both kinds of quarantine."""
    folder.mkdir()
    for name in _FILES:
        shutil.copy(company_dir / f"{name}.csv", folder / f"{name}.csv")
    leads = (folder / "leads.csv").read_text().splitlines()
    header = leads[0].split(",")
    cells = leads[1].split(",")
    cells[header.index("email")] = "not-an-address"
    leads[1] = ",".join(cells)
    (folder / "leads.csv").write_text("\n".join(leads) + "\n")
    touchpoints = (folder / "touchpoints.csv").read_text().splitlines()
    header = touchpoints[0].split(",")
    for line in (1, 2):
        cells = touchpoints[line].split(",")
        cells[header.index("lead_id")] = "LD-NOWHERE"
        touchpoints[line] = ",".join(cells)
    (folder / "touchpoints.csv").write_text("\n".join(touchpoints) + "\n")
    return folder


def _quarantine(engine: Engine, batch_id: str) -> list[tuple[Any, ...]]:
    with SqlAlchemyUnitOfWork(engine) as uow:
        rows = uow.quarantine.list(batch_id=batch_id)
    return sorted((r.record_type, r.row_number, r.field, r.rule, r.message, r.raw) for r in rows)


def test_converted_ahead_stores_what_converting_in_process_stores(
    engine: Engine, company_dir: Path, tmp_path: Path
) -> None:
    folder = _mangled_company(company_dir, tmp_path / "crm")
    ahead = import_directory(
        engine, folder, adapter_for("neutral"), convert_ahead=True, chunk_rows=500
    )
    assert ahead.total.adds_up
    assert ahead.by_type["touchpoints"].read > 1_000  # several chunks
    # The same files converted here find every record as the other process left it.
    here = import_directory(engine, folder, adapter_for("neutral"), convert_ahead=False)
    for record_type, counts in here.by_type.items():
        first = ahead.by_type[record_type]
        assert (counts.read, counts.quarantined) == (first.read, first.quarantined), record_type
        assert counts.updated == counts.inserted == 0, record_type
        assert counts.unchanged == first.inserted, record_type
    # Refused by the converter (in the other process) and by the writer (with the raw row
    # the other process sent): the same quarantine, raw cells included.
    quarantined = _quarantine(engine, ahead.batch_id)
    assert quarantined == _quarantine(engine, here.batch_id)
    rules = {(record_type, rule) for record_type, _, _, rule, _, _ in quarantined}
    assert {("leads", "invalid_email"), ("touchpoints", "unresolved_reference")} <= rules
    touch = next(q for q in quarantined if q[0] == "touchpoints")
    assert touch[5]["lead_id"] == "LD-NOWHERE"
    assert touch[5]["id"].startswith("TP-")


def test_a_chunk_crosses_processes_whole(company_dir: Path) -> None:
    raw = {"id": "LD-1", "email": "ana@acme.example"}
    odd = {"id": "LD-2", "email": "bo@acme.example", "extra": "x"}
    chunk = RowChunk(
        "leads",
        [
            StagedRow("leads", 2, "LD-1", {"email": "ana@acme.example"}, {"owner_id": "US-1"}, raw),
            StagedRow("leads", 3, "LD-2", {"email": "bo@acme.example"}, {"owner_id": None}, odd),
        ],
        [Rejection("leads", 4, "email", "invalid_email", "no", {"id": "LD-3"}, "leads.csv")],
    )
    again = pickle.loads(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
    assert again == chunk
    assert pickle.loads(pickle.dumps(RowChunk("leads"))) == RowChunk("leads")


def test_a_conversion_that_fails_fails_the_import_and_leaves_the_store_as_it_was(
    engine: Engine, company_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _mangled_company(company_dir, tmp_path / "crm")
    with engine.connect() as connection:
        before = connection.scalar(sa.select(sa.func.count()).select_from(metadata.tables["leads"]))
    plan = type(adapter_for("neutral")).plan

    def plan_then_lose_leads(self: Any, directory: Path) -> Any:
        planned = plan(self, directory)
        (directory / "leads.csv").unlink()  # gone before the other process reads it
        return planned

    monkeypatch.setattr(type(adapter_for("neutral")), "plan", plan_then_lose_leads)
    with pytest.raises(ConversionFailed, match=r"leads\.csv[\s\S]*FileNotFoundError"):
        import_directory(engine, folder, adapter_for("neutral"), convert_ahead=True)
    with engine.connect() as connection:
        after = connection.scalar(sa.select(sa.func.count()).select_from(metadata.tables["leads"]))
    assert after == before
    with SqlAlchemyUnitOfWork(engine) as uow:
        (batch,) = [b for b in uow.import_batches.list() if b.status is domain.ImportStatus.FAILED]
    assert "ConversionFailed" in (batch.error or "")


def _files(folder: Path) -> list[SourceFile]:
    return adapter_for("neutral").plan(folder).files


def test_a_writer_that_stops_early_stops_the_process(company_dir: Path, tmp_path: Path) -> None:
    folder = _mangled_company(company_dir, tmp_path / "crm")
    files = _files(folder)
    limits = {f.record_type: BulkWriter.text_limits(f.record_type) for f in files}
    with converted_files(adapter_for("neutral"), files, limits, 100, ahead=True) as converted:
        process = converted._process  # type: ignore[attr-defined]
        first = next(iter(converted.chunks(files[0])))
        assert first.record_type == files[0].record_type
        with pytest.raises(ValueError, match="out of the planned order"):
            next(iter(converted.chunks(files[2])))
    assert process.poll() is not None  # stopped, and waited for


def test_small_batches_are_converted_in_process(company_dir: Path, tmp_path: Path) -> None:
    folder = _mangled_company(company_dir, tmp_path / "crm")
    files = _files(folder)
    limits = {f.record_type: BulkWriter.text_limits(f.record_type) for f in files}
    with converted_files(adapter_for("neutral"), files, limits) as converted:
        assert not hasattr(converted, "_process")
        chunks = list(converted.chunks(files[0]))
    assert sum(chunk.rows_read for chunk in chunks) > 0


def test_an_adapter_that_cannot_be_sent_is_converted_here(
    company_dir: Path, tmp_path: Path
) -> None:
    folder = _mangled_company(company_dir, tmp_path / "crm")
    adapter = adapter_for("neutral")
    adapter.hook = lambda row: row  # type: ignore[attr-defined]  # lambdas do not pickle
    files = _files(folder)
    limits = {f.record_type: BulkWriter.text_limits(f.record_type) for f in files}
    with converted_files(adapter, files, limits, ahead=True) as converted:
        assert not hasattr(converted, "_process")
        rows = sum(chunk.rows_read for chunk in converted.chunks(files[0]))
    assert rows == sum(1 for _ in (folder / files[0].path.name).open()) - 1
