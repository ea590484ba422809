"""Conditions as data: ``all``/``any`` groups nesting down to field/operator/value tests.

Workflows, lead scoring, routing, disqualifiers and lifecycle triggers all decide "does this
record match?". They share this one structure, which the engine evaluates without ``eval``::

    all:
      - {field: country, operator: in, value: [US, CA]}
      - any:
          - {field: employees, operator: gte, value: 200}
          - {field: annual_revenue, operator: gte, value: 50000000}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from l2o.spec._base import SpecModel

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "FieldTest",
    "Operator",
    "Scalar",
    "field_tests",
]

Scalar = str | int | float | bool
"""A value a field is compared with (dates are ISO 8601 strings)."""

Operator = Literal[
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "starts_with",
    "is_set",
    "is_not_set",
    "changed",
]
"""How a field is compared: equality, order, membership, substring, presence, or change."""

_NO_VALUE: frozenset[str] = frozenset({"is_set", "is_not_set", "changed"})
_LIST_VALUE: frozenset[str] = frozenset({"in", "not_in"})
_ORDERED: frozenset[str] = frozenset({"gt", "gte", "lt", "lte"})


class FieldTest(SpecModel):
    """A leaf condition: one field of the record compared with a value.

    ``in``/``not_in`` take a list; ``is_set``/``is_not_set``/``changed`` take no value;
    ``gt``/``gte``/``lt``/``lte`` take a number or an ISO date string.
    """

    field: str = Field(min_length=1)
    operator: Operator
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="after")
    def _value_fits_operator(self) -> FieldTest:
        if self.operator in _NO_VALUE:
            if self.value is not None:
                raise ValueError(f"operator '{self.operator}' takes no value")
        elif self.value is None:
            raise ValueError(f"operator '{self.operator}' needs a value")
        elif self.operator in _LIST_VALUE:
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"operator '{self.operator}' needs a non-empty list of values")
        elif isinstance(self.value, list):
            raise ValueError(f"operator '{self.operator}' takes a single value, not a list")
        elif self.operator in _ORDERED and isinstance(self.value, bool):
            raise ValueError(f"operator '{self.operator}' cannot compare with true/false")
        return self


class AllOf(SpecModel):
    """Matches when every nested condition matches."""

    all: list[Condition] = Field(min_length=1)


class AnyOf(SpecModel):
    """Matches when at least one nested condition matches."""

    any: list[Condition] = Field(min_length=1)


def _condition_kind(value: Any) -> str | None:
    keys = value.keys() if isinstance(value, dict) else vars(value).keys()
    for kind in ("all", "any", "field"):
        if kind in keys:
            return kind
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[FieldTest, Tag("field")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_shape",
        custom_error_message="a condition needs 'all', 'any' or 'field'",
    ),
]
"""A condition tree: :class:`AllOf`, :class:`AnyOf` or a :class:`FieldTest` leaf."""

AllOf.model_rebuild()
AnyOf.model_rebuild()


def field_tests(condition: AllOf | AnyOf | FieldTest, path: str) -> Iterator[tuple[FieldTest, str]]:
    """Every leaf of a condition tree with its spec path, e.g. ``when.all[1].any[0]``."""
    if isinstance(condition, FieldTest):
        yield condition, path
        return
    if isinstance(condition, AllOf):
        for index, child in enumerate(condition.all):
            yield from field_tests(child, f"{path}.all[{index}]")
    else:
        for index, child in enumerate(condition.any):
            yield from field_tests(child, f"{path}.any[{index}]")
