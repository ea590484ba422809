"""Round-robin pools: who is next, who is full, who is off shift - as data in and out.

Routing is pure: the state of every pool (each pool's pointer into its rotation and each
rep's load for the day) comes in with the lead and the new state goes out with the decision,
so the caller stores it in the same transaction as the assignment. A rotation is the pool's
smooth weighted round-robin order (weights 2:1:2 give ``a c b a c``, not ``a a b c c``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from l2o.spec.lead_routing import PoolMember, RoundRobinPool

__all__ = ["CompiledPool", "PoolState", "WorkingHours", "smooth_rotation"]


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When a rep takes new leads: weekdays (0 = Monday) and local hours in a time zone.

    >>> hours = WorkingHours(timezone="Europe/Berlin")       # Mon-Fri 09:00-17:00
    >>> hours.is_open(datetime(2025, 3, 3, 9, 30, tzinfo=ZoneInfo("UTC")))
    True
    """

    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(9)
    end: time = time(17)
    timezone: str = "UTC"

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` (aware) falls in these hours, in the rep's own time zone."""
        local = at.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in self.days and self.start <= local.time() < self.end


@dataclass(frozen=True, slots=True)
class PoolState:
    """Every pool's rotation pointer and every rep's leads assigned on ``day`` (UTC).

    Treat it as immutable: routing returns a new state and never changes the one given.
    """

    day: date | None = None
    loads: Mapping[str, int] = field(default_factory=dict)
    pointers: Mapping[str, int] = field(default_factory=dict)

    def for_day(self, day: date) -> PoolState:
        """The state on ``day``: loads start again from zero on a new day, pointers carry on."""
        if self.day == day:
            return self
        return PoolState(day, {}, self.pointers)

    def load(self, user: str) -> int:
        """Leads ``user`` has been given today."""
        return self.loads.get(user, 0)

    def assigned(self, pool: str | None, user: str, next_pointer: int | None) -> PoolState:
        """The state after giving ``user`` one more lead (moving ``pool``'s pointer)."""
        loads = dict(self.loads)
        loads[user] = loads.get(user, 0) + 1
        pointers = dict(self.pointers)
        if pool is not None and next_pointer is not None:
            pointers[pool] = next_pointer
        return PoolState(self.day, loads, pointers)


def smooth_rotation(weights: list[int]) -> tuple[int, ...]:
    """Member indexes in smooth weighted round-robin order, one full cycle.

    >>> smooth_rotation([2, 1, 2])
    (0, 2, 1, 0, 2)
    """
    total = sum(weights)
    current = [0] * len(weights)
    order = []
    for _ in range(total):
        for index, weight in enumerate(weights):
            current[index] += weight
        best = max(range(len(weights)), key=lambda i: (current[i], -i))
        current[best] -= total
        order.append(best)
    return tuple(order)


class CompiledPool:
    """A spec pool with its rotation worked out once."""

    __slots__ = ("members", "pool", "rotation")

    def __init__(self, pool: RoundRobinPool) -> None:
        self.pool = pool
        self.members: tuple[PoolMember, ...] = tuple(pool.members)
        self.rotation = smooth_rotation([member.weight for member in self.members])
