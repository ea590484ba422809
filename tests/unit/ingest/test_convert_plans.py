"""The converter's per-header plans and the insert defaults: the same rows, the same values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from l2o import domain
from l2o.ingest import RECORD_SPECS, RowConverter, RowProblem, insert_columns, insert_defaults


def _lead_cells(**cells: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "id": "LD-1",
        "first_name": "Ana",
        "email": "Ana@Acme.COM",
        "country": "Germany",
        "phone": "030 1234567",
        "status": "working",
        "created_at": "2024-03-01T10:00:00Z",
        "owner_id": "US-1",
    }
    row.update(cells)
    return row


def test_rows_with_other_columns_or_order_convert_as_on_their_own() -> None:
    shared = RowConverter(RECORD_SPECS["leads"])
    rows = [
        _lead_cells(),
        dict(reversed(list(_lead_cells().items()))),  # same cells, another column order
        {k: v for k, v in _lead_cells().items() if k not in ("phone", "owner_id")},
        _lead_cells(email="  ", owner_id=None, status=""),
    ]
    for number, cells in enumerate(rows, start=2):
        alone = RowConverter(RECORD_SPECS["leads"]).convert(number, cells, dict(cells))
        staged = shared.convert(number, cells, dict(cells))
        assert staged == alone
    first = shared.convert(2, rows[0], {})
    assert first.values["email"] == "Ana@acme.com"
    assert first.values["phone"] == "+49301234567"  # placed by the row's country
    assert first.references == {"owner_id": "US-1"}
    blank = shared.convert(5, rows[3], {})
    assert blank.values["email"] is None
    assert blank.values["status"] == domain.LeadStatus.NEW  # a blank cell takes the default
    assert blank.references == {"owner_id": None}


def test_a_broken_cell_is_named_before_a_missing_required_column() -> None:
    converter = RowConverter(RECORD_SPECS["touchpoints"])
    cells = {"id": "TP-1", "lead_id": "LD-1", "touch_type": "email_open", "channel": "web"}
    with pytest.raises(RowProblem) as missing:
        converter.convert(2, cells, {})
    assert missing.value.rule == "missing_column"
    assert missing.value.field == "occurred_at"
    with pytest.raises(RowProblem) as broken:
        converter.convert(3, {**cells, "channel": "=HYPERLINK(1)"}, {})
    assert broken.value.rule == "formula_injection"
    assert broken.value.field == "channel"


def test_insert_defaults_keep_the_row_and_fill_the_rest() -> None:
    spec = RECORD_SPECS["leads"]
    record = insert_defaults(spec, {"email": "a@b.co", "status": None, "mql_at": None})
    assert record["email"] == "a@b.co"
    assert record["status"] == domain.LeadStatus.NEW  # a null cannot stand where a value is due
    assert record["mql_at"] is None  # a null stands where the field's default is none
    assert record["created_at"] is not None  # made by its factory
    assert set(record) == set(spec.fields)
    later = insert_defaults(spec, {"email": "a@b.co"})
    assert later["created_at"] >= record["created_at"]  # a fresh value per record
    extra = insert_defaults(spec, {"email": "a@b.co", "no_such_field": 1})
    assert set(extra) == set(spec.fields)  # a value for no field is left out
    assert extra["email"] == "a@b.co"


def test_a_contract_without_mrr_takes_a_twelfth_of_its_arr() -> None:
    spec = RECORD_SPECS["contracts"]
    record = insert_defaults(spec, {"arr": Decimal("1200.00")})
    assert record["mrr"] == Decimal("100.00")
    assert insert_defaults(spec, {"arr": Decimal("1200.00"), "mrr": Decimal("90")})[
        "mrr"
    ] == Decimal("90")


def test_insert_columns_are_each_rows_insert_defaults_field_by_field() -> None:
    spec = RECORD_SPECS["contracts"]
    rows = [
        {"arr": Decimal("1200.00")},  # mrr follows arr
        {"arr": Decimal("1200.00"), "mrr": Decimal("90")},
        {"arr": None, "status": None},  # a null where a value is due
        {"no_such_field": 1, "auto_renew": False},
        {},
    ]
    columns = insert_columns(spec, rows)
    assert list(columns) == list(insert_defaults(spec, rows[0]))  # the fields, in order
    made = {"created_at", "updated_at"} & set(columns)  # by a factory: a fresh value per row
    for position, row in enumerate(rows):
        expected = insert_defaults(spec, row)
        for name, column in columns.items():
            if name in made and name not in row:
                assert column[position] is not None
            else:
                assert column[position] == expected[name], (position, name)
    assert columns["mrr"][:2] == [Decimal("100.00"), Decimal("90")]
    assert insert_columns(spec, []) == {name: [] for name in columns}
