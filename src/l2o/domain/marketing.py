"""Campaigns and the touchpoints (marketing touches and sales activities) they produce."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from l2o.domain.base import Record, new_id, utc_now

__all__ = ["Campaign", "Touchpoint"]


@dataclass(kw_only=True, eq=False)
class Campaign(Record):
    """A marketing programme (webinar, paid social, event) that leads and touches come from."""

    id: str = field(default_factory=new_id)
    name: str
    channel: str | None = None
    campaign_type: str | None = None
    status: str = "active"
    start_date: date | None = None
    end_date: date | None = None
    budget: Decimal | None = None
    currency: str = "USD"
    created_at: datetime = field(default_factory=utc_now)
    source_system: str | None = None
    source_id: str | None = None


@dataclass(kw_only=True, eq=False)
class Touchpoint(Record):
    """One interaction with a buyer: an email opened, a form filled, a call, a meeting.

    It points at whichever of lead, contact, account and opportunity it concerns (any may be
    empty); attribution and engagement scoring read these. ``touch_type`` is what happened
    (``form_fill``, ``meeting``...), ``channel`` how (``email``, ``paid_social``...).
    """

    id: str = field(default_factory=new_id)
    occurred_at: datetime
    touch_type: str
    channel: str | None = None
    campaign_id: str | None = None
    lead_id: str | None = None
    contact_id: str | None = None
    account_id: str | None = None
    opportunity_id: str | None = None
    user_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    source_system: str | None = None
    source_id: str | None = None
