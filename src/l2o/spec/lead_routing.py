"""Lead routing: which rep gets a lead — account-owner match, territories, round-robin pools.

Rules are tried in order and the first that matches assigns the lead. A rule narrows by
country, segment, territory and an optional condition; it assigns to the owner of the matching
account (when one exists) and otherwise to a weighted round-robin pool.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from l2o.spec._base import CountryCode, Identifier, SpecModel
from l2o.spec.conditions import Condition

__all__ = ["LeadRouting", "PoolMember", "RoundRobinPool", "RoutingRule"]


class PoolMember(SpecModel):
    """A rep in a pool: ``weight`` shares of new leads, up to ``daily_capacity`` a day."""

    user: str = Field(min_length=1, description="The rep's user id or email in the CRM.")
    weight: int = Field(default=1, ge=1)
    daily_capacity: int | None = Field(default=None, ge=0)


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
