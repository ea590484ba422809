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
from l2o.engine.record_fields import RecordFields, is_set
from l2o.spec.conditions import AllOf, AnyOf, Condition, FieldTest, Scalar
from l2o.spec.fields import CustomFields, FieldCatalog, RecordType

__all__ = ["CompiledCondition", "compile_condition", "describe", "evaluate"]

Predicate = Callable[[RecordFields], bool]

_SYMBOLS = {"eq": "=", "ne": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_NEGATED = {"ne": "eq", "not_in": "in", "not_contains": "contains"}


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A condition checked against the field catalog and ready to test records quickly."""

    condition: Condition
    record_type: RecordType
    text: str
    _test: Predicate

    def matches(self, fields: RecordFields) -> bool:
        """Whether the record's fields satisfy the condition."""
        return self._test(fields)


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
        parts = tuple(_compile(child, record_type, catalog) for child in condition.all)
        return lambda fields: all(part(fields) for part in parts)
    if isinstance(condition, AnyOf):
        options = tuple(_compile(child, record_type, catalog) for child in condition.any)
        return lambda fields: any(option(fields) for option in options)
    if not catalog.knows(record_type, condition.field):
        raise UnknownFieldError(
            record_type, condition.field, catalog.suggest(record_type, condition.field)
        )
    return _leaf(condition)


def _leaf(test: FieldTest) -> Predicate:
    name, op = test.field, test.operator
    if op == "is_set":
        return lambda fields: is_set(fields.get(name))
    if op == "is_not_set":
        return lambda fields: not is_set(fields.get(name))
    if op == "changed":
        return lambda fields: _differs(fields.get(name), fields.previous_value(name))
    if op in _NEGATED:
        positive = _positive(name, _NEGATED[op], test.value)
        return lambda fields: not positive(fields)
    return _positive(name, op, test.value)


def _positive(name: str, op: str, value: Scalar | list[Scalar] | None) -> Predicate:
    check = _in_check(value) if op == "in" else _value_check(op, value)

    def test(fields: RecordFields) -> bool:
        actual = fields.get(name)
        if actual is None:
            return False
        if isinstance(actual, list | tuple | set | frozenset) and op != "contains":
            return any(item is not None and check(item) for item in actual)
        return check(actual)

    return test


def _in_check(value: Scalar | list[Scalar] | None) -> Callable[[Any], bool]:
    assert isinstance(value, list)
    options = tuple(_Expected(item) for item in value)
    folded = frozenset(o.folded for o in options if o.folded is not None)
    text_only = len(folded) == len(options)

    def check(actual: Any) -> bool:
        if text_only and isinstance(actual, str):
            return actual.casefold() in folded
        return any(option.equals(actual) for option in options)

    return check


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
        if isinstance(actual, bool) or self.boolean is not None:
            return _boolean(actual) is not None and _boolean(actual) == _boolean(self.raw)
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
