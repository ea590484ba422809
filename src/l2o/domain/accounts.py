"""Companies we sell to and the people who work there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from l2o.domain.base import Record, new_id, utc_now

__all__ = ["Account", "Contact"]


@dataclass(kw_only=True, eq=False)
class Account(Record):
    """A company: firmographics for ICP fit, an owner, and a parent in a corporate family.

    ``tier`` and ``icp_score`` are set by the engine from the architecture's ICP;
    ``technologies`` is the installed stack (technographics) as a list of names.
    ``segment`` (one of the architecture's segment ids) and ``territory_id`` place it in the
    coverage model; ``health_score`` (0-100) is the latest lifecycle health score.
    ``merged_into_id`` is set on a duplicate merged into another account (see ``Merge``).
    """

    id: str = field(default_factory=new_id)
    name: str
    domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    annual_revenue: Decimal | None = None
    country: str | None = None
    region: str | None = None
    technologies: list[str] = field(default_factory=list)
    tier: str | None = None
    icp_score: float | None = None
    owner_id: str | None = None
    parent_id: str | None = None
    segment: str | None = None
    territory_id: str | None = None
    health_score: float | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utc_now)
    merged_into_id: str | None = None
    source_system: str | None = None
    source_id: str | None = None
    version: int = 0


@dataclass(kw_only=True, eq=False)
class Contact(Record):
    """A person at an account; ``persona`` is their buying role (e.g. economic buyer).

    ``merged_into_id`` is set on a duplicate merged into another contact (see ``Merge``).
    """

    id: str = field(default_factory=new_id)
    account_id: str | None = None
    first_name: str | None = None
    last_name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    persona: str | None = None
    owner_id: str | None = None
    created_at: datetime = field(default_factory=utc_now)
    merged_into_id: str | None = None
    source_system: str | None = None
    source_id: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name as people write them."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)
