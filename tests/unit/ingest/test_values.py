"""Reading cells: explicit date formats, numbers, booleans, and text that is unsafe to keep."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from l2o.ingest import RowProblem
from l2o.ingest.values import (
    check_text,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_timestamp,
)


def test_timestamps_are_utc_and_formats_are_explicit() -> None:
    assert parse_timestamp("2024-03-31T14:05:00Z", ()) == datetime(2024, 3, 31, 14, 5, tzinfo=UTC)
    assert parse_timestamp("2024-03-31T16:05:00+02:00", ()).hour == 14
    assert parse_timestamp("2024-03-31 14:05:00", ()).tzinfo == UTC  # naive: read as UTC
    assert parse_timestamp("03/31/2024 14:05", ("%m/%d/%Y %H:%M",)).day == 31
    with pytest.raises(RowProblem) as info:
        parse_timestamp("03/31/2024 14:05", ())
    assert info.value.rule == "invalid_timestamp"


def test_dates_never_guess_day_or_month_first() -> None:
    assert parse_date("2024-03-04", ()) == date(2024, 3, 4)
    assert parse_date("04/03/2024", ("%d/%m/%Y",)) == date(2024, 3, 4)
    assert parse_date("2018-12-19 00:00:00", ()) == date(2018, 12, 19)
    with pytest.raises(RowProblem) as info:
        parse_date("04/03/2024", ())
    assert info.value.rule == "invalid_date"


def test_numbers() -> None:
    assert parse_decimal("12.345", "amount", 2) == Decimal("12.35")
    assert parse_int("1,200", "employees") == 1200
    for bad, rule in (
        ("12.5", "invalid_number"),
        ("NaN", "invalid_number"),
        ("9" * 12, "out_of_range"),
    ):
        with pytest.raises(RowProblem) as info:
            parse_int(bad, "employees")
        assert info.value.rule == rule
    with pytest.raises(RowProblem) as info:
        parse_decimal("1e30", "amount", 2)
    assert info.value.rule == "out_of_range"


def test_booleans() -> None:
    assert parse_bool("TRUE", "x") is True
    assert parse_bool("no", "x") is False
    with pytest.raises(RowProblem):
        parse_bool("maybe", "x")


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example","click")',
        "@SUM(A1)",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd",
        "\t=1+1",
    ],
)
def test_formula_cells_are_refused(cell: str) -> None:
    with pytest.raises(RowProblem) as info:
        check_text(cell, "company")
    assert info.value.rule == "formula_injection"


@pytest.mark.parametrize("cell", ["-5", "+1 415 555 0132", "Acme - Enterprise", "(555) 010"])
def test_signs_before_numbers_are_not_formulas(cell: str) -> None:
    assert check_text(cell, "field") == cell


def test_unsafe_text_is_refused_by_rule() -> None:
    for cell, rule in (
        ("a\x00b", "control_characters"),
        ("caf\udce9", "encoding"),
        ("x" * 300, "too_long"),
    ):
        with pytest.raises(RowProblem) as info:
            check_text(cell, "name", 255)
        assert info.value.rule == rule
