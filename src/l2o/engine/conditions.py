"""Evaluating the spec's conditions (``all``/``any`` down to field tests) against a record.

One evaluator for every rule that asks "does this record match?" - disqualifiers, scoring,
routing, lifecycle triggers, workflows. A condition is compiled once (field names checked
against the spec's field catalog, values converted) and then tested many times::

    match = compile_condition(rule.when, "lead", FieldCatalog(spec.custom_fields))
    match.matches(RecordFields(lead, "lead", derived={...}))
    match.text   # "country in [US, CA] and (employees >= 200 or technologies contains 'dbt')"

Comparison rules, the same everywhere:

- text compares case-insensitively (``title contains 'data'`` matches "Head of Data");
- numbers compare as numbers (``Decimal``, ``int``, ``float`` and numeric text alike);
- dates and times compare with ISO strings in the spec (``close_date lt '2025-06-30'``);
- a list field (``technologies``) matches a positive test when any element does, and a
  negative test (``ne``, ``not_in``, ``not_contains``) when no element does;
- an unset field fails every positive test and passes every negative one;
- ``changed`` compares with the previous values, which the caller must supply.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from l2o.engine.errors import UnknownFieldError
from l2o.engine.record_fields import FieldReader, RecordFields, field_reader, is_set
from l2o.spec.conditions import AllOf, AnyOf, Condition, FieldTest, Scalar
from l2o.spec.fields import CustomFields, FieldCatalog, RecordType

__all__ = ["CompiledCondition", "Predicate", "compile_condition", "describe", "evaluate"]

Predicate = Callable[[RecordFields], bool]
"""A compiled condition's test: whether a record's fields satisfy it."""

_SYMBOLS = {"eq": "=", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_NEGATED = {"ne": "eq", "not_in": "in", "not_contains": "contains"}


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A condition checked against the field catalog and ready to test records quickly.

    ``matches(fields)`` tells whether a record's fields satisfy the condition: a function made
    once for this condition (each field test specialised to its operator, value and field).
    """

    condition: Condition
    record_type: RecordType
    text: str
    matches: Predicate


def compile_condition(
    condition: Condition, record_type: RecordType, catalog: FieldCatalog | None = None
) -> CompiledCondition:
    """Compile ``condition`` for records of ``record_type``.

    Every field it names must be in ``catalog`` (the standard fields plus the spec's custom
    fields; standard fields only when ``catalog`` is ``None``), else
    :class:`~l2o.engine.errors.UnknownFieldError` names the field and the closest real one.
    """
    known = catalog if catalog is not None else FieldCatalog(CustomFields())
    return CompiledCondition(
        condition, record_type, describe(condition), _compile(condition, record_type, known)
    )


def evaluate(
    condition: Condition,
    fields: RecordFields,
    catalog: FieldCatalog | None = None,
) -> bool:
    """Test ``condition`` once against a record (compile it when testing many records)."""
    return compile_condition(condition, fields.record_type, catalog).matches(fields)


def describe(condition: Condition) -> str:
    """The condition in words, e.g. ``country in [US, CA] and employees >= 200``."""
    if isinstance(condition, AllOf):
        return " and ".join(_grouped(child) for child in condition.all)
    if isinstance(condition, AnyOf):
        return " or ".join(_grouped(child) for child in condition.any)
    op, value = condition.operator, condition.value
    if op in ("is_set", "is_not_set", "changed"):
        return f"{condition.field} {op.replace('_', ' ')}"
    if isinstance(value, list):
        return f"{condition.field} {op.replace('_', ' ')} [{', '.join(map(str, value))}]"
    shown = repr(value) if isinstance(value, str) else str(value).lower()
    return f"{condition.field} {_SYMBOLS.get(op, op.replace('_', ' '))} {shown}"


def _grouped(condition: Condition) -> str:
    text = describe(condition)
    return f"({text})" if isinstance(condition, AllOf | AnyOf) else text


def _compile(condition: Condition, record_type: RecordType, catalog: FieldCatalog) -> Predicate:
    if isinstance(condition, AllOf):
        return _all_of(tuple(_compile(child, record_type, catalog) for child in condition.all))
    if isinstance(condition, AnyOf):
        return _any_of(tuple(_compile(child, record_type, catalog) for child in condition.any))
    if not catalog.knows(record_type, condition.field):
        raise UnknownFieldError(
            record_type, condition.field, catalog.suggest(record_type, condition.field)
        )
    return _leaf(condition, record_type)


# ``all_of`` and ``any_of`` loop rather than call ``all``/``any`` on a generator: these run
# for every record tested, and the loop costs a third as much.
def _all_of(parts: tuple[Predicate, ...]) -> Predicate:
    def all_of(fields: RecordFields) -> bool:
        for part in parts:  # noqa: SIM110
            if not part(fields):
                return False
        return True

    return all_of


def _any_of(options: tuple[Predicate, ...]) -> Predicate:
    def any_of(fields: RecordFields) -> bool:
        for option in options:  # noqa: SIM110
            if option(fields):
                return True
        return False

    return any_of


def _leaf(test: FieldTest, record_type: RecordType) -> Predicate:
    name, op = test.field, test.operator
    value = _value_of(record_type, name)
    if op == "is_set":
        return lambda fields: is_set(value(fields))
    if op == "is_not_set":
        return lambda fields: not is_set(value(fields))
    if op == "changed":
        return lambda fields: _differs(value(fields), fields.previous_value(name))
    if op in _NEGATED:
        positive = _positive(record_type, name, _NEGATED[op], test.value)
        return lambda fields: not positive(fields)
    return _positive(record_type, name, op, test.value)


def _value_of(record_type: RecordType, name: str) -> FieldReader:
    """``fields.get(name)``, with the reader for ``record_type`` taken once."""
    read = field_reader(record_type, name)

    def value(fields: RecordFields) -> Any:
        return read(fields) if fields.record_type == record_type else fields.get(name)

    return value


def _positive(
    record_type: RecordType, name: str, op: str, value: Scalar | list[Scalar] | None
) -> Predicate:
    """A positive field test: an unset field fails it; a list passes it when an element does
    (``contains`` tests the elements for equality: the list *contains* the value)."""
    read = field_reader(record_type, name)
    check = _in_check(value) if op == "in" else _value_check(op, value)
    on_text = _text_check(op, value) or check
    item_op = "eq" if op == "contains" else op
    item_check = check if item_op == op else _value_check(item_op, value)
    item_on_text = _text_check(item_op, value) or item_check

    def test(fields: RecordFields) -> bool:
        # As ``_value_of`` reads, without the call: this runs for every record tested.
        actual = read(fields) if fields.record_type == record_type else fields.get(name)
        if actual is None:
            return False
        if type(actual) is str:
            return on_text(actual)
        if isinstance(actual, list | tuple | set | frozenset):
            for item in actual:
                if item is not None and (
                    item_on_text(item) if type(item) is str else item_check(item)
                ):
                    return True
            return False
        return check(actual)

    return test


def _text_check(op: str, value: Scalar | list[Scalar] | None) -> Callable[[str], bool] | None:
    """The check for a text record value when the spec value is text, so that the test is a
    plain comparison of folded text (what :class:`_Expected` does with text, without asking
    what kind of value it meets); ``None`` when the general check must decide."""
    if op == "in" and isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            return None
        options = frozenset(str(item).casefold() for item in value)
        return lambda actual: actual.casefold() in options
    if not isinstance(value, str):
        return None
    expected = value.casefold()
    if op == "eq":
        return lambda actual: actual.casefold() == expected
    if op == "contains":
        return lambda actual: expected in actual.casefold()
    if op == "starts_with":
        return lambda actual: actual.casefold().startswith(expected)
    return None


def _in_check(value: Scalar | list[Scalar] | None) -> Callable[[Any], bool]:
    assert isinstance(value, list)
    options = tuple(_Expected(item) for item in value)
    return lambda actual: any(option.equals(actual) for option in options)


def _value_check(op: str, value: Scalar | list[Scalar] | None) -> Callable[[Any], bool]:
    assert value is not None
    assert not isinstance(value, list)
    expected = _Expected(value)
    checks: dict[str, Callable[[Any], bool]] = {
        "eq": expected.equals,
        "gt": lambda actual: _order(actual, expected) > 0,
        "gte": lambda actual: _order(actual, expected) >= 0,
        "lt": lambda actual: _order(actual, expected) < 0,
        "lte": lambda actual: _order(actual, expected) <= 0,
        "contains": expected.is_in,
        "starts_with": expected.starts,
    }
    return checks[op]


class _Expected:
    """A spec value pre-converted for every kind of record value it may meet."""

    __slots__ = ("boolean", "day", "folded", "moment", "number", "raw")

    def __init__(self, raw: Scalar) -> None:
        self.raw = raw
        self.boolean = raw if isinstance(raw, bool) else None
        self.folded = raw.casefold() if isinstance(raw, str) else None
        self.number = _number(raw) if not isinstance(raw, bool) else None
        self.day: date | None = None
        self.moment: datetime | None = None
        if isinstance(raw, str):
            self.day, self.moment = _iso(raw)

    def equals(self, actual: Any) -> bool:
        if self.boolean is not None:
            return _boolean(actual) == self.boolean
        if isinstance(actual, bool):
            return actual == _boolean(self.raw)
        if isinstance(actual, datetime | date):
            return _order(actual, self) == 0
        if isinstance(actual, str) and self.folded is not None:
            return actual.casefold() == self.folded
        if self.number is not None:
            return _number(actual) == self.number
        return False

    def is_in(self, actual: Any) -> bool:
        if isinstance(actual, str):
            return self.folded is not None and self.folded in actual.casefold()
        if isinstance(actual, list | tuple | set | frozenset):
            return any(self.equals(item) for item in actual if item is not None)
        return False

    def starts(self, actual: Any) -> bool:
        return (
            isinstance(actual, str)
            and self.folded is not None
            and actual.casefold().startswith(self.folded)
        )


_INCOMPARABLE = math.nan


def _order(actual: Any, expected: _Expected) -> float:
    """Sign of ``actual - expected``; NaN (every comparison false) when they do not compare."""
    kind = type(actual)
    if kind is int or kind is float:  # plain numbers first: what most comparisons meet
        number = expected.number
        return _INCOMPARABLE if number is None else _sign(float(actual) - number)
    if isinstance(actual, bool):
        return _INCOMPARABLE
    if isinstance(actual, datetime):
        if expected.moment is not None:
            return _sign((actual - expected.moment).total_seconds())
        if expected.day is not None:
            return _sign((actual.date() - expected.day).days)
        return _INCOMPARABLE
    if isinstance(actual, date):
        if expected.day is not None:
            return _sign((actual - expected.day).days)
        return _INCOMPARABLE
    number = _number(actual)
    if number is not None and expected.number is not None:
        return _sign(number - expected.number)
    if isinstance(actual, str) and expected.folded is not None:
        folded = actual.casefold()
        return 0.0 if folded == expected.folded else (1.0 if folded > expected.folded else -1.0)
    return _INCOMPARABLE


def _sign(difference: float) -> float:
    return 0.0 if difference == 0 else math.copysign(1.0, difference)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
            value.strip().casefold()
        )
    if isinstance(value, int):
        return bool(value)
    return None


def _iso(text: str) -> tuple[date | None, datetime | None]:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None, None
    if len(text) == 10:
        return moment.date(), None
    return moment.date(), moment if moment.tzinfo is not None else None


def _differs(current: Any, before: Any) -> bool:
    if isinstance(current, Sequence) and not isinstance(current, str):
        current = list(current)
    if isinstance(before, Sequence) and not isinstance(before, str):
        before = list(before)
    if is_set(current) != is_set(before):
        return True
    return bool(current != before)
