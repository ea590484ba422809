"""Compiled conditions hold to the plain reading of the comparison rules.

A condition is compiled into tests specialised by operator, value and field (text compared
as folded text, plain numbers compared first). These properties read each rule of
``l2o.engine.conditions`` plainly - text case-insensitively, numbers as numbers, a list by its
elements, an unset field failing every positive test - and hold the compiled test to it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from l2o.domain import Account, Lead
from l2o.engine import RecordFields, compile_condition
from l2o.spec.conditions import AllOf, AnyOf, Condition, FieldTest
from l2o.spec.fields import CustomField, CustomFields, FieldCatalog

NEGATIONS = {"ne": "eq", "not_in": "in", "not_contains": "contains"}


def ft(field: str, operator: str, value: Any = None) -> FieldTest:
    return FieldTest(field=field, operator=operator, value=value)  # type: ignore[arg-type]


def plain_reading(operator: str, actual: Any, expected: Any, compare: Any) -> bool:
    """The rule in words: an unset field fails a positive test and passes a negative one; a
    list passes a positive test when an element does (``contains``: when an element equals
    the value) and a negative one when no element does."""
    if operator in NEGATIONS:
        return not plain_reading(NEGATIONS[operator], actual, expected, compare)
    if actual is None:
        return False
    if isinstance(actual, list):
        item_operator = "eq" if operator == "contains" else operator
        return any(item is not None and compare(item_operator, item, expected) for item in actual)
    return bool(compare(operator, actual, expected))


def compare_text(operator: str, actual: str, expected: Any) -> bool:
    folded = actual.casefold()
    if operator == "in":
        return folded in {option.casefold() for option in expected}
    if operator == "eq":
        return folded == expected.casefold()
    if operator == "contains":
        return expected.casefold() in folded
    assert operator == "starts_with"
    return folded.startswith(expected.casefold())


def compare_numbers(operator: str, actual: Any, expected: Any) -> bool:
    number = float(actual)
    if operator == "in":
        return any(number == float(option) for option in expected)
    return {
        "eq": number == float(expected),
        "gt": number > float(expected),
        "gte": number >= float(expected),
        "lt": number < float(expected),
        "lte": number <= float(expected),
    }[operator]


WORDS = st.text(alphabet="aAbBxé", min_size=1, max_size=4)
TEXT_TESTS = st.one_of(
    st.tuples(st.sampled_from(["eq", "ne", "contains", "not_contains", "starts_with"]), WORDS),
    st.tuples(st.sampled_from(["in", "not_in"]), st.lists(WORDS, min_size=1, max_size=4)),
)
TEXT_VALUES = st.one_of(st.none(), WORDS, st.lists(st.one_of(st.none(), WORDS), max_size=4))

NUMBERS = st.one_of(
    st.integers(-1_000, 1_000), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
)
NUMBER_TESTS = st.one_of(
    st.tuples(st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]), NUMBERS),
    st.tuples(st.sampled_from(["in", "not_in"]), st.lists(NUMBERS, min_size=1, max_size=4)),
)
RECORD_NUMBERS = st.one_of(
    NUMBERS,
    st.integers(-1_000, 1_000).map(Decimal),
    st.integers(-1_000, 1_000).map(str),  # numeric text compares as a number
)
NUMBER_VALUES = st.one_of(
    st.none(), RECORD_NUMBERS, st.lists(st.one_of(st.none(), RECORD_NUMBERS), max_size=4)
)


@settings(max_examples=300, deadline=None)
@given(test=TEXT_TESTS, value=TEXT_VALUES, stored=st.booleans())
def test_text_tests_read_as_folded_text(test: tuple[str, Any], value: Any, stored: bool) -> None:
    operator, expected = test
    condition = compile_condition(ft("title", operator, expected), "lead")
    if stored and not isinstance(value, list):  # the lead's own attribute
        fields = RecordFields(Lead(title=value), "lead")
    else:  # a value the caller supplies
        fields = RecordFields(Lead(), "lead", derived={"title": value})
    assert condition.matches(fields) == plain_reading(operator, value, expected, compare_text)


@settings(max_examples=300, deadline=None)
@given(test=NUMBER_TESTS, value=NUMBER_VALUES)
def test_number_tests_read_as_numbers(test: tuple[str, Any], value: Any) -> None:
    operator, expected = test
    condition = compile_condition(ft("employees", operator, expected), "lead")
    fields = RecordFields(Lead(), "lead", derived={"employees": value})
    assert condition.matches(fields) == plain_reading(operator, value, expected, compare_numbers)


@settings(max_examples=200, deadline=None)
@given(
    tests=st.lists(st.tuples(TEXT_TESTS, TEXT_VALUES), min_size=1, max_size=4),
    any_of=st.booleans(),
)
def test_all_and_any_read_as_all_and_any_of_their_parts(
    tests: list[tuple[tuple[str, Any], Any]], any_of: bool
) -> None:
    names = [f"text_{i}" for i in range(len(tests))]
    parts: list[Condition] = [
        ft(name, operator, expected)
        for name, ((operator, expected), _) in zip(names, tests, strict=True)
    ]
    derived = {name: value for name, (_, value) in zip(names, tests, strict=True)}
    fields = RecordFields({}, "lead", derived=derived)
    condition = AnyOf(any=parts) if any_of else AllOf(all=parts)
    readings = [
        plain_reading(operator, value, expected, compare_text)
        for (operator, expected), value in tests
    ]
    assert compile_condition(condition, "lead", _catalog(names)).matches(fields) == (
        any(readings) if any_of else all(readings)
    )


def test_booleans_match_their_words_and_numbers() -> None:
    champion = compile_condition(ft("champion", "eq", True), "opportunity")
    for value, expected in [(True, True), ("yes", True), (1, True), (False, False), ("no", False)]:
        fields = RecordFields({"champion": value}, "opportunity")
        assert champion.matches(fields) is expected, value
    assert not champion.matches(RecordFields({"champion": "maybe"}, "opportunity"))


def test_a_condition_reads_a_record_by_its_own_type() -> None:
    # ``industry`` is stored on an account but derived on a lead: a condition compiled for
    # leads and tested on an account reads the account's attribute, as the account's fields do.
    condition = compile_condition(ft("industry", "eq", "software"), "lead")
    assert condition.matches(RecordFields(Account(name="Acme", industry="Software"), "account"))


def _catalog(names: list[str]) -> FieldCatalog:
    custom = CustomFields(lead=[CustomField(name=name, type="text") for name in names])
    return FieldCatalog(custom)
