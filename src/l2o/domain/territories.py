"""Territories: the slices of the market (region x segment) that sales coverage is cut into."""

from __future__ import annotations

from dataclasses import dataclass, field

from l2o.domain.base import Record, new_id

__all__ = ["Territory"]


@dataclass(kw_only=True, eq=False)
class Territory(Record):
    """A sales territory, e.g. ``emea-mid_market``: a region and a segment a team covers.

    Users (the reps who cover it) and accounts (the companies in it) point at it with
    ``territory_id``; ``segment`` is one of the architecture's segment ids.
    """

    id: str = field(default_factory=new_id)
    name: str
    region: str | None = None
    segment: str | None = None
    source_system: str | None = None
    source_id: str | None = None
