"""A file whose records are all new is written column by column (``InsertChunk``): the store
ends up exactly as the row-by-row path leaves it, quarantine included."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.ingest import InsertChunk, RowChunk, StagedRow, adapter_for
from l2o.ingest.problems import Rejection
from l2o.services import importing
from l2o.services.importing import import_directory
from l2o.store import engine_for, upgrade
from l2o.store.schema import metadata

# Written by the import itself, not read from the file: they differ from run to run.
_RUN_COLUMNS = frozenset({"created_at", "updated_at", "changed_at", "started_at", "finished_at"})


def _mangled(company_dir: Path, folder: Path) -> Path:
    """The company, with rows each path must refuse the same way: a lead the converter
    refuses, touchpoints naming a lead and a campaign that are not there, a stage change of
    no deal."""
    shutil.copytree(company_dir, folder)

    def mangle(name: str, line: int, column: str, value: str) -> None:
        path = folder / f"{name}.csv"
        lines = path.read_text().splitlines()
        header = lines[0].split(",")
        cells = lines[line].split(",")
        cells[header.index(column)] = value
        lines[line] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n")

    mangle("leads", 3, "email", "not-an-address")
    mangle("touchpoints", 1, "lead_id", "LD-NOWHERE")
    mangle("touchpoints", 2, "campaign_id", "CA-NOWHERE")
    mangle("touchpoints", 2, "lead_id", "LD-NOWHERE")
    mangle("stage_changes", 5, "opportunity_id", "OP-NOWHERE")
    return folder


def _contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, with each record id replaced by ``type/source id`` (ids
    are drawn afresh by each import) and the columns the run itself writes left out."""
    with engine.connect() as connection:
        names: dict[Any, str] = {}
        for name, table in metadata.tables.items():
            if "source_id" in table.columns:
                query = sa.select(table.c.id, table.c.source_id)
                names.update((i, f"{name}/{s}") for i, s in connection.execute(query))
        contents = {}
        for name, table in metadata.tables.items():
            if name in ("audit_log", "import_batches", "alembic_version"):
                continue
            left_out = _RUN_COLUMNS | ({"id", "batch_id"} if name == "quarantined_rows" else set())
            columns = [c for c in table.columns if c.name not in left_out]
            rows = connection.execute(sa.select(*columns)).all()
            contents[name] = sorted(
                (tuple(names.get(v, v) if isinstance(v, str) else v for v in row) for row in rows),
                key=repr,
            )
    return contents


def _audit_counts(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        table = metadata.tables["audit_log"]
        query = sa.select(table.c.record_type, table.c.action, sa.func.count()).group_by(
            table.c.record_type, table.c.action
        )
        return sorted(tuple(row) for row in connection.execute(query))


def test_new_records_are_stored_as_the_row_path_stores_them(
    company_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _mangled(company_dir, tmp_path / "crm")
    written: dict[str, set[tuple[str, str]]] = {"columns": set(), "rows": set()}
    write_chunk, insert_chunk = importing._BatchRun._write_chunk, importing._BatchRun._insert_chunk
    path = "columns"

    def by_rows(run: Any, chunk: Any) -> Any:
        written[path].add(("rows", chunk.record_type))
        return write_chunk(run, chunk)

    def by_columns(run: Any, chunk: Any) -> Any:
        written[path].add(("columns", chunk.record_type))
        return insert_chunk(run, chunk)

    monkeypatch.setattr(importing._BatchRun, "_write_chunk", by_rows)
    monkeypatch.setattr(importing._BatchRun, "_insert_chunk", by_columns)

    engines = {}
    summaries = {}
    for path in ("columns", "rows"):
        engine = engines[path] = engine_for(f"sqlite:///{tmp_path / path}.db")
        upgrade(engine)
        if path == "rows":  # as if the store held records of every type already
            monkeypatch.setattr(importing, "_new_record_files", lambda *args: [])
        summaries[path] = import_directory(engine, folder, adapter_for("neutral"), chunk_rows=500)

    # A first import writes its files by columns, but those checked whole (a row may point
    # at a later row of the same file: accounts' parents); the other, all by rows.
    assert {("columns", t) for t in ("leads", "touchpoints", "stage_changes")} <= written["columns"]
    assert ("rows", "accounts") in written["columns"]
    assert {way for way, _ in written["rows"]} == {"rows"}
    by_columns_summary, by_rows_summary = summaries["columns"], summaries["rows"]
    assert by_columns_summary.total.adds_up
    for record_type, counts in by_rows_summary.by_type.items():
        assert by_columns_summary.by_type[record_type] == counts, record_type
    # Two named a lead and a campaign not there; the refused lead's own touchpoints too.
    assert by_columns_summary.by_type["touchpoints"].quarantined > 2
    assert by_columns_summary.by_type["stage_changes"].quarantined == 1
    assert by_columns_summary.by_type["leads"].quarantined == 1
    assert _contents(engines["columns"]) == _contents(engines["rows"])
    assert _audit_counts(engines["columns"]) == _audit_counts(engines["rows"])
    for engine in engines.values():
        engine.dispose()


def _row(number: int, source_id: str, references: dict[str, str | None]) -> StagedRow:
    return StagedRow(
        "touchpoints",
        number,
        source_id,
        {"touch_type": "email_open", "channel": "email"},
        references,
        {"id": source_id, **{name: value or "" for name, value in references.items()}},
    )


def test_insert_chunks_put_together_keep_each_rows_columns_and_raw_cells() -> None:
    first = RowChunk(
        "touchpoints",
        [_row(2, "TP-1", {"lead_id": "LD-1"}), _row(3, "TP-2", {"lead_id": None})],
        [Rejection("touchpoints", 4, "occurred_at", "bad_date", "no date", {"id": "TP-3"})],
    )
    # The next part's rows have another header: a campaign, no lead.
    second = RowChunk("touchpoints", [_row(5, "TP-4", {"campaign_id": "CA-1"})])
    whole = InsertChunk.of(first)
    whole.extend(InsertChunk.of(second))
    assert whole.rows_read == 4
    assert whole.row_numbers == [2, 3, 5]
    assert whole.source_ids == ["TP-1", "TP-2", "TP-4"]
    assert whole.references == {
        "lead_id": ["LD-1", None, None],
        "campaign_id": [None, None, "CA-1"],
    }
    assert whole.columns["touch_type"] == ["email_open"] * 3
    assert [whole.raw(i) for i in range(3)] == [
        {"id": "TP-1", "lead_id": "LD-1"},
        {"id": "TP-2", "lead_id": ""},
        {"id": "TP-4", "campaign_id": "CA-1"},
    ]
    assert [r.row_number for r in whole.rejected] == [4]


def test_rows_of_one_chunk_with_different_headers_keep_their_own_cells() -> None:
    chunk = RowChunk(
        "touchpoints",
        [_row(2, "TP-1", {"lead_id": "LD-1"}), _row(3, "TP-2", {"campaign_id": "CA-1"})],
    )
    whole = InsertChunk.of(chunk)
    assert whole.references == {"lead_id": ["LD-1", None], "campaign_id": [None, "CA-1"]}
    assert whole.header == ()
    assert [whole.raw(i) for i in range(2)] == [
        {"id": "TP-1", "lead_id": "LD-1"},
        {"id": "TP-2", "campaign_id": "CA-1"},
    ]
