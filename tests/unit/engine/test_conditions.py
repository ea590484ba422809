"""One evaluator for every condition: operators, types, lists, unset fields, change, errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from l2o.domain import Account, Lead, LeadStatus, Opportunity
from l2o.engine import (
    MissingFieldError,
    RecordFields,
    UnknownFieldError,
    compile_condition,
    describe,
    evaluate,
)
from l2o.spec.conditions import AllOf, AnyOf, Condition, FieldTest
from l2o.spec.fields import CustomField, CustomFields, FieldCatalog


def ft(field: str, operator: str, value: Any = None) -> FieldTest:
    return FieldTest(field=field, operator=operator, value=value)  # type: ignore[arg-type]


def lead_matches(condition: Condition, **lead: Any) -> bool:
    return evaluate(condition, RecordFields(Lead(**lead), "lead"))


@pytest.mark.parametrize(
    ("condition", "lead", "expected"),
    [
        (ft("country", "eq", "us"), {"country": "US"}, True),
        (ft("country", "ne", "US"), {"country": "CA"}, True),
        (ft("country", "ne", "US"), {}, True),
        (ft("country", "in", ["US", "CA"]), {"country": "CA"}, True),
        (ft("country", "not_in", ["US", "CA"]), {"country": "DE"}, True),
        (ft("title", "contains", "data"), {"title": "Head of Data"}, True),
        (ft("title", "not_contains", "data"), {"title": "CFO"}, True),
        (ft("title", "starts_with", "vp"), {"title": "VP Finance"}, True),
        (ft("fit_score", "gte", 20), {"fit_score": 20.0}, True),
        (ft("fit_score", "gt", 20), {"fit_score": 20.0}, False),
        (ft("fit_score", "lt", 20), {}, False),
        (ft("status", "eq", "mql"), {"status": LeadStatus.MQL}, True),
        (ft("email", "is_set"), {"email": "  "}, False),
        (ft("email", "is_not_set"), {}, True),
    ],
)
def test_operators_on_lead_fields(
    condition: Condition, lead: dict[str, Any], expected: bool
) -> None:
    assert lead_matches(condition, **lead) is expected


def test_all_and_any_nest() -> None:
    condition = AllOf(
        all=[
            ft("country", "in", ["US", "CA"]),
            AnyOf(any=[ft("title", "contains", "data"), ft("fit_score", "gte", 30)]),
        ]
    )
    assert lead_matches(condition, country="US", title="Data engineer")
    assert lead_matches(condition, country="CA", fit_score=31)
    assert not lead_matches(condition, country="US", title="CFO", fit_score=10)
    assert describe(condition) == (
        "country in [US, CA] and (title contains 'data' or fit_score >= 30)"
    )


def test_numbers_compare_across_decimal_int_float_and_text() -> None:
    account = Account(name="A", annual_revenue=Decimal("50000000.00"), employees=250)
    fields = RecordFields(account, "account", derived={"nps": "42"})
    assert evaluate(ft("annual_revenue", "gte", 50_000_000), fields)
    assert evaluate(ft("employees", "eq", 250.0), fields)
    assert evaluate(ft("nps", "gt", 40), fields)


def test_list_fields_match_any_element_and_negations_none() -> None:
    fields = RecordFields(Account(name="A", technologies=["Snowflake", "dbt"]), "account")
    assert evaluate(ft("technologies", "contains", "snowflake"), fields)
    assert evaluate(ft("technologies", "in", ["dbt", "looker"]), fields)
    assert not evaluate(ft("technologies", "not_in", ["dbt"]), fields)
    assert evaluate(ft("technologies", "not_contains", "bigquery"), fields)


def test_dates_compare_with_iso_strings() -> None:
    deal = Opportunity(name="D", stage="discovery", close_date=date(2025, 6, 30))
    fields = RecordFields(deal, "opportunity")
    assert evaluate(ft("close_date", "lt", "2025-07-01"), fields)
    assert evaluate(ft("close_date", "eq", "2025-06-30"), fields)
    assert not evaluate(ft("close_date", "gt", "2025-06-30"), fields)


def test_qualification_and_custom_fields_are_read_from_their_maps() -> None:
    deal = Opportunity(
        name="D",
        stage="discovery",
        qualification={"economic_buyer": "Jane, CFO"},
        custom_fields={"security_review_done": True},
    )
    catalog = FieldCatalog(
        CustomFields(opportunity=[CustomField(name="security_review_done", type="boolean")])
    )
    fields = RecordFields(deal, "opportunity")
    assert evaluate(ft("economic_buyer", "is_set"), fields, catalog)
    assert evaluate(ft("security_review_done", "eq", True), fields, catalog)
    assert not evaluate(ft("champion", "is_set"), fields, catalog)


def test_unknown_field_is_an_error_naming_it_and_the_closest_field() -> None:
    with pytest.raises(UnknownFieldError, match=r"unknown lead field 'contry'.*'country'"):
        compile_condition(ft("contry", "eq", "US"), "lead")


def test_custom_field_needs_declaring() -> None:
    with pytest.raises(UnknownFieldError, match="data_warehouse"):
        compile_condition(ft("data_warehouse", "is_set"), "account")


def test_derived_field_not_supplied_is_an_error_naming_it() -> None:
    fields = RecordFields(Account(name="A"), "account")
    with pytest.raises(MissingFieldError, match="'arr'"):
        evaluate(ft("arr", "gte", 1), fields)
    supplied = RecordFields(Account(name="A"), "account", derived={"arr": None})
    assert not evaluate(ft("arr", "gte", 1), supplied)


def test_changed_compares_with_previous_values_and_needs_them() -> None:
    account = Account(name="A", employees=300)
    with pytest.raises(MissingFieldError, match="previous values"):
        evaluate(ft("employees", "changed"), RecordFields(account, "account"))
    before = RecordFields(account, "account", previous={"employees": 250})
    same = RecordFields(account, "account", previous={"employees": 300})
    unknown_before = RecordFields(account, "account", previous={})
    assert evaluate(ft("employees", "changed"), before)
    assert not evaluate(ft("employees", "changed"), same)
    assert evaluate(ft("employees", "changed"), unknown_before)


def test_mapping_records_are_read_like_records() -> None:
    row = {"country": "US", "custom_fields": {"is_personal_email": True}}
    catalog = FieldCatalog(
        CustomFields(lead=[CustomField(name="is_personal_email", type="boolean")])
    )
    fields = RecordFields(row, "lead")
    assert evaluate(ft("is_personal_email", "eq", True), fields, catalog)
    assert not evaluate(ft("title", "is_set"), fields, catalog)
