"""Lead routing as stored: each assignment with "why this owner", and the pools' state.

Routing itself is the engine's pure decision; these records keep what it decided, so a
person can ask later why a lead went to whom (the rule, the pool and its pointer, every
rule and rep passed over and why), and so the next lead continues the rotation where the
last one left it, with each rep's load for the day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from l2o.domain.base import Record, new_id, utc_now

__all__ = ["ROUTING_STATE_ID", "Assignment", "RoutingState"]

ROUTING_STATE_ID = "lead_routing"
"""The id of the one routing-state row: every pool's pointer and every rep's load."""


@dataclass(kw_only=True, eq=False)
class Assignment(Record):
    """One routing of a lead: to whom, by which rule and pool, and why not the others.

    ``owner_id`` is the user given the lead (``None``: no rule could assign it, so it waits
    for a person); ``assignee`` is the rep as the spec names them (a pool member's
    ``user``). ``reasons`` are the decision's lines (``{"rule", "text"}``), ``alternatives``
    what was passed over (``{"rule", "owner", "why_not"}``). ``trigger`` says why routing
    ran: ``new_lead``, ``reroute`` (an SLA breach) or ``manual``.
    """

    id: str = field(default_factory=new_id)
    lead_id: str
    owner_id: str | None = None
    assignee: str | None = None
    rule: str | None = None
    pool: str | None = None
    pointer: int | None = None
    segment: str | None = None
    territory: str | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    trigger: str = "new_lead"
    assigned_at: datetime = field(default_factory=utc_now)
    assigned_by: str | None = None

    @property
    def why(self) -> str:
        """The reasons as one line a person reads."""
        return ", ".join(str(reason.get("text", "")) for reason in self.reasons)


@dataclass(kw_only=True, eq=False)
class RoutingState(Record):
    """Every round-robin pool's pointer and every rep's leads on ``day`` (UTC).

    One row (``ROUTING_STATE_ID``), versioned: two leads routed at once cannot both take the
    same rep's last slot of the day, since the second write finds the row changed.
    """

    id: str = ROUTING_STATE_ID
    day: date | None = None
    loads: dict[str, int] = field(default_factory=dict)
    pointers: dict[str, int] = field(default_factory=dict)
    updated_at: datetime = field(default_factory=utc_now)
    version: int = 0
