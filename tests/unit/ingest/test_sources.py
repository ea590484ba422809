"""Source adapters without a store: file recognition, header matching, mapping YAML errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from l2o.ingest import MappingError, NeutralRow, RowConverter, adapter_for, record_spec
from l2o.ingest.sources.base import header_key


def test_headers_match_across_api_and_warehouse_names() -> None:
    assert header_key("StageName") == header_key("stage_name") == header_key("Stage Name")
    assert header_key("Product2Id") == header_key("product_2_id")


def test_salesforce_files_are_recognised_by_name_or_header(tmp_path: Path) -> None:
    (tmp_path / "sf_opportunity_data.csv").write_text("id,stage_name,is_won,name\n")
    (tmp_path / "Account_2024-05-01.csv").write_text("Id,Name\n")
    (tmp_path / "mystery.csv").write_text("Id,StageName,IsWon,Name\n")
    (tmp_path / "account_history.csv").write_text("id,name,billing_country,number_of_employees\n")
    (tmp_path / "Event.csv").write_text("Id,Subject\n")
    plan = adapter_for("salesforce").plan(tmp_path)
    found = {f.path.name: f.record_type for f in plan.files}
    assert found == {
        "sf_opportunity_data.csv": "opportunities",
        "Account_2024-05-01.csv": "accounts",
        "mystery.csv": "opportunities",
    }
    assert set(plan.skipped) == {"account_history.csv", "Event.csv"}
    assert next(f.record_type for f in plan.files) == "accounts"  # parents first


def _write_mapping(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(body)
    return path


def test_mapping_errors_name_their_yaml_path(tmp_path: Path) -> None:
    path = _write_mapping(
        tmp_path,
        "source_system: acme\nfiles:\n"
        "  - file: deals.csv\n    record_type: opportunities\n"
        "    fields:\n      id: deal_id\n      stage: {column: s, value: x}\n      colour: c\n"
        "  - file: x.csv\n    record_type: deals\n    fields: {id: a}\n    extra: 1\n",
    )
    with pytest.raises(MappingError) as info:
        adapter_for("neutral", path)
    message = str(info.value)
    assert "files[0].fields.stage" in message
    assert "exactly one of column" in message
    assert "files[1].extra" in message
    path = _write_mapping(
        tmp_path,
        "source_system: acme\nfiles:\n  - file: x.csv\n    record_type: deals\n"
        "    fields: {id: a}\n  - file: y.csv\n    record_type: leads\n    fields: {colour: c}\n",
    )
    with pytest.raises(MappingError) as info:
        adapter_for("neutral", path)
    message = str(info.value)
    assert "files[0]: unknown record_type 'deals'" in message
    assert "files[1]: leads has no field(s) colour" in message


def test_mapped_rows_apply_templates_value_maps_and_multipliers(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text("ref,co,prod,st,rev\nD1,Acme,Pro,W,1.5\nD2,,Pro,L,\n")
    path = _write_mapping(
        tmp_path,
        "source_system: acme\nfiles:\n  - file: deals.csv\n    record_type: opportunities\n"
        "    fields:\n      id: ref\n      name: {template: '{co} - {prod}'}\n"
        "      stage: {column: st, values: {W: won, L: lost}}\n"
        "      amount: {column: rev, multiply: 1000, default: '0'}\n"
        "    custom_fields: [prod]\n",
    )
    adapter = adapter_for("neutral", path)
    (source_file,) = adapter.plan(tmp_path).files
    rows = [r for r in adapter.rows(source_file) if isinstance(r, NeutralRow)]
    converter = RowConverter(record_spec("opportunities"), adapter.formats)
    first, second = (converter.convert(r.row_number, r.values, r.raw) for r in rows)
    assert first.values["name"] == "Acme - Pro"
    assert first.values["stage"] == "won"
    assert str(first.values["amount"]) == "1500.00"
    assert first.values["custom_fields"] == {"prod": "Pro"}
    assert second.values["name"] == "Pro"
    assert str(second.values["amount"]) == "0.00"
