"""The people who sell, market, serve and govern revenue: users with a role on a team."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from l2o.domain.base import Record, new_id, utc_now

__all__ = ["User", "UserRole"]


class UserRole(StrEnum):
    """Where a person sits in the coverage model, and who may approve what."""

    SDR = "sdr"
    BDR = "bdr"
    AE = "ae"
    AM = "am"
    CSM = "csm"
    SE = "se"
    MARKETING = "marketing"
    MANAGER = "manager"
    VP_SALES = "vp_sales"
    CRO = "cro"
    CFO = "cfo"
    FOUNDER = "founder"
    DEAL_DESK = "deal_desk"
    FINANCE = "finance"
    REVOPS = "revops"
    ADMIN = "admin"


@dataclass(kw_only=True, eq=False)
class User(Record):
    """A person who owns records, receives routed leads or approves discounts.

    ``capacity`` is how many open leads or accounts routing may give them (``None``: no cap);
    ``territory_id`` is the territory they cover, if coverage is cut into territories.
    ``roles`` are the architecture spec's role ids the person holds beyond ``role`` (e.g.
    ``sales_manager``, ``deal_desk``): what approvals and gate overrides are checked against.
    """

    id: str = field(default_factory=new_id)
    name: str
    email: str | None = None
    role: UserRole = UserRole.AE
    team: str | None = None
    manager_id: str | None = None
    active: bool = True
    capacity: int | None = None
    territory_id: str | None = None
    roles: list[str] = field(default_factory=list)
    created_at: datetime = field(default_factory=utc_now)
    source_system: str | None = None
    source_id: str | None = None

    def holds(self, role: str) -> bool:
        """Whether the person holds the spec role ``role`` (their ``role`` or one of ``roles``)."""
        return role == self.role.value or role in self.roles

    def spec_roles(self) -> frozenset[str]:
        """Every spec role id the person holds."""
        return frozenset({self.role.value, *self.roles})
