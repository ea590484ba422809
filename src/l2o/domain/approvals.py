"""Approvals: a request for someone with authority to accept a quote's discount or terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from l2o.domain.base import Record, as_utc, new_id, utc_now

__all__ = ["Approval", "ApprovalStatus"]


class ApprovalStatus(StrEnum):
    """An approval is pending until someone decides it or it runs out of time."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


@dataclass(kw_only=True, eq=False)
class Approval(Record):
    """One approval step on a quote, addressed to a role (and possibly a named approver).

    ``approver_role`` comes from the architecture's discount authority matrix (e.g.
    ``vp_sales``); ``reason`` is why it was requested, ``decision_note`` why it was decided so.
    """

    id: str = field(default_factory=new_id)
    quote_id: str
    opportunity_id: str | None = None
    approver_role: str
    approver_id: str | None = None
    requested_by: str | None = None
    status: ApprovalStatus = ApprovalStatus.PENDING
    discount_pct: Decimal | None = None
    reason: str | None = None
    requested_at: datetime = field(default_factory=utc_now)
    expires_at: datetime | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    version: int = 0

    def approve(self, *, by: str, at: datetime, note: str | None = None) -> None:
        """Record ``by``'s approval at ``at``."""
        self._decide(ApprovalStatus.APPROVED, by=by, at=at, note=note)

    def reject(self, *, by: str, at: datetime, note: str) -> None:
        """Record ``by``'s rejection; a rejection always says why."""
        if not note:
            raise ValueError(f"Approval {self.id}: a rejection needs a note saying why")
        self._decide(ApprovalStatus.REJECTED, by=by, at=at, note=note)

    def expire_if_due(self, now: datetime) -> bool:
        """Expire a pending approval whose ``expires_at`` has passed; True if it expired."""
        now = as_utc(now)
        if self.status != ApprovalStatus.PENDING or self.expires_at is None:
            return False
        if now < self.expires_at:
            return False
        self.status = ApprovalStatus.EXPIRED
        self.decided_at = now
        return True

    def _decide(self, status: ApprovalStatus, *, by: str, at: datetime, note: str | None) -> None:
        if self.status != ApprovalStatus.PENDING:
            raise ValueError(f"Approval {self.id} is already {self.status}")
        at = as_utc(at)
        if self.expires_at is not None and at >= self.expires_at:
            raise ValueError(f"Approval {self.id} expired at {self.expires_at.isoformat()}")
        self.status = status
        self.approver_id = by
        self.decided_at = at
        self.decision_note = note
