"""Lead routing: which rep gets a lead — account-owner match, territories, round-robin pools.

Rules are tried in order and the first that matches assigns the lead. A rule narrows by
country, segment, territory and an optional condition; it assigns to the owner of the matching
account (when one exists) and otherwise to a weighted round-robin pool.
"""

from __future__ import annotations

from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from l2o.spec._base import CountryCode, Identifier, SpecModel
from l2o.spec.conditions import Condition

__all__ = ["LeadRouting", "PoolMember", "RoundRobinPool", "RoutingRule", "Weekday", "WorkingHours"]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekdays in order, Monday first (``WEEKDAYS.index(day)`` is Python's ``weekday()``)."""


class WorkingHours(SpecModel):
    """When a rep takes new leads: weekdays and local hours (``start`` <= t < ``end``).

    ``{days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00", timezone: Europe/Berlin}``
    """

    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]), min_length=1)
    start: time = time(9)
    end: time = time(17)
    timezone: str = Field(default="UTC", description="An IANA time zone, e.g. 'Europe/Berlin'.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _sexagesimal_clock(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 17:00 as the base-60 integer 1020 (minutes); read it back
        # as the clock time it was written as, rather than as 1020 seconds.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError(f"working hours end ({self.end}) must be after start ({self.start})")
        return self

    def weekday_numbers(self) -> frozenset[int]:
        """The days as Python weekday numbers (0 = Monday)."""
        return frozenset(WEEKDAYS.index(day) for day in self.days)


class PoolMember(SpecModel):
    """A rep in a pool: ``weight`` shares of new leads, up to ``daily_capacity`` a day, and
    only inside their ``working_hours`` when given (otherwise any time)."""

    user: str = Field(min_length=1, description="The rep's user id or email in the CRM.")
    weight: int = Field(default=1, ge=1)
    daily_capacity: int | None = Field(default=None, ge=0)
    working_hours: WorkingHours | None = None


class RoundRobinPool(SpecModel):
    """A weighted round-robin pool of reps in one coverage role."""

    id: Identifier
    label: str | None = None
    role: Identifier = Field(description="The commercial role (e.g. 'sdr') its members hold.")
    members: list[PoolMember] = Field(default_factory=list)

    def capacity(self) -> int | None:
        """Leads the pool can take a day; ``None`` when some member is uncapped."""
        if any(member.daily_capacity is None for member in self.members):
            return None
        return sum(member.daily_capacity or 0 for member in self.members)


class RoutingRule(SpecModel):
    """One routing rule; an empty filter list means "any"."""

    id: Identifier
    countries: list[CountryCode] = Field(default_factory=list)
    segments: list[Identifier] = Field(default_factory=list)
    territories: list[Identifier] = Field(default_factory=list)
    when: Condition | None = Field(default=None, description="Tested against lead fields.")
    account_owner_match: bool = Field(
        default=False, description="Give the lead to the owner of its matching account."
    )
    pool: Identifier | None = None

    @model_validator(mode="after")
    def _assigns_someone(self) -> RoutingRule:
        if not self.account_owner_match and self.pool is None:
            raise ValueError("a routing rule needs a 'pool', 'account_owner_match: true', or both")
        return self

    def is_catch_all(self) -> bool:
        """True when the rule matches every lead (and always assigns it to a pool)."""
        unfiltered = not (self.countries or self.segments or self.territories or self.when)
        return unfiltered and self.pool is not None


class LeadRouting(SpecModel):
    """Routing rules, tried in order, and the pools they assign to."""

    pools: list[RoundRobinPool] = Field(default_factory=list)
    rules: list[RoutingRule] = Field(default_factory=list)
