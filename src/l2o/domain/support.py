"""Support tickets: the service side of a customer's life, read for health and churn risk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from l2o.domain.base import Record, as_utc, new_id, utc_now

__all__ = ["SupportTicket", "TicketStatus"]


class TicketStatus(StrEnum):
    """Where a ticket is: new, being worked, waiting on the customer, or closed."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    CLOSED = "closed"


@dataclass(kw_only=True, eq=False)
class SupportTicket(Record):
    """A customer's request to support, from its opening to its close.

    ``priority`` (``low``, ``normal``, ``high``, ``urgent``...) and ``category`` (``bug``,
    ``billing``...) are the helpdesk's own words. ``satisfaction`` is the customer's rating
    of the closed ticket, 1 (worst) to 5 (best), or ``None`` when they gave none.
    """

    id: str = field(default_factory=new_id)
    account_id: str
    contact_id: str | None = None
    created_at: datetime = field(default_factory=utc_now)
    closed_at: datetime | None = None
    status: TicketStatus = TicketStatus.NEW
    priority: str | None = None
    category: str | None = None
    satisfaction: int | None = None
    source_system: str | None = None
    source_id: str | None = None

    def __post_init__(self) -> None:
        _check_satisfaction(self.id, self.satisfaction)

    @property
    def is_open(self) -> bool:
        """Not closed yet: counts towards an account's open tickets."""
        return self.status != TicketStatus.CLOSED

    def close(self, at: datetime, satisfaction: int | None = None) -> None:
        """Close the ticket at ``at``, with the customer's rating if they gave one."""
        if not self.is_open:
            raise ValueError(f"SupportTicket {self.id}: already closed")
        _check_satisfaction(self.id, satisfaction)
        self.status = TicketStatus.CLOSED
        self.closed_at = as_utc(at)
        self.satisfaction = satisfaction

    def time_to_close(self) -> timedelta | None:
        """How long the ticket was open (``None`` while it still is)."""
        if self.closed_at is None:
            return None
        return self.closed_at - self.created_at


def _check_satisfaction(ticket_id: str, value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(
            f"SupportTicket {ticket_id}: satisfaction must be a whole number 1-5, not {value!r}"
        )
