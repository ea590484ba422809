"""The building blocks every spec model shares: the strict base model and the value types.

Every spec model derives from :class:`SpecModel`, so an unknown key anywhere in a spec is an
error rather than a silently ignored typo. The value types below carry their own constraints
(an identifier is snake_case, a country is an ISO 3166 alpha-2 code, money has two decimal
places) so the JSON Schema documents them and the loader reports them with the spec path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

__all__ = [
    "CountryCode",
    "CurrencyCode",
    "Identifier",
    "Money",
    "MoneyRange",
    "NumberRange",
    "Percent",
    "SpecModel",
]


class SpecModel(BaseModel):
    """Base of every spec model: unknown keys are errors and a loaded spec is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=64,
        description="A snake_case key other parts of the spec refer to, e.g. 'new_business'.",
    ),
]
"""A snake_case key: how one part of the spec names another (a stage, a role, a pool)."""

CountryCode = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code, e.g. 'US'.")
]
CurrencyCode = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. 'USD'.")
]
Percent = Annotated[float, Field(ge=0, le=100, description="A percentage from 0 to 100.")]


def _money_as_number(value: Decimal) -> int | float:
    # YAML and JSON have no decimal type: write whole amounts as integers, others as floats.
    # Two decimal places and at most 14 digits survive the float round trip exactly.
    return int(value) if value == value.to_integral_value() else float(value)


Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, description="An amount in the company currency."),
    PlainSerializer(_money_as_number, when_used="json"),
]


class NumberRange(SpecModel):
    """A half-open band ``above < value <= up_to``; a missing bound is open-ended.

    Bands written this way tile without gaps or double counting, e.g. discounts
    ``{up_to: 10}``, ``{above: 10, up_to: 20}``, ``{above: 20}``.
    """

    above: float | None = None
    up_to: float | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> NumberRange:
        if self.above is not None and self.up_to is not None and self.above >= self.up_to:
            raise ValueError(f"empty band: 'above' ({self.above}) must be below 'up_to'")
        return self

    def contains(self, value: float) -> bool:
        """Whether ``value`` falls in the band."""
        if self.above is not None and value <= self.above:
            return False
        return self.up_to is None or value <= self.up_to

    def overlaps(self, other: NumberRange) -> bool:
        """Whether some value falls in both bands."""
        low = max(_low(self), _low(other))
        high = min(_high(self), _high(other))
        return low < high

    def covers(self, other: NumberRange) -> bool:
        """Whether every value in ``other`` also falls in this band."""
        return _low(self) <= _low(other) and _high(other) <= _high(self)


class MoneyRange(SpecModel):
    """An amount band ``above < amount <= up_to`` in the company currency (e.g. deal size)."""

    above: Money | None = None
    up_to: Money | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> MoneyRange:
        if self.above is not None and self.up_to is not None and self.above >= self.up_to:
            raise ValueError(f"empty band: 'above' ({self.above}) must be below 'up_to'")
        return self

    def as_numbers(self) -> NumberRange:
        """The same band as a :class:`NumberRange`, for overlap arithmetic."""
        return NumberRange(
            above=None if self.above is None else float(self.above),
            up_to=None if self.up_to is None else float(self.up_to),
        )


def _low(band: NumberRange) -> float:
    return float("-inf") if band.above is None else band.above


def _high(band: NumberRange) -> float:
    return float("inf") if band.up_to is None else band.up_to
