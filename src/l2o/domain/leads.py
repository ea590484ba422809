"""Leads and their lifecycle: new -> working -> MQL -> SAL -> SQL -> converted (or disqualified)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from l2o.domain.base import Record, as_utc, new_id, utc_now

__all__ = ["Lead", "LeadStatus"]


class LeadStatus(StrEnum):
    """The lifecycle stage of a lead; the architecture spec decides what moves it."""

    NEW = "new"
    WORKING = "working"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    CONVERTED = "converted"
    DISQUALIFIED = "disqualified"
    RECYCLED = "recycled"


@dataclass(kw_only=True, eq=False)
class Lead(Record):
    """A person who showed interest, before they become a contact on an account.

    The timestamps (``mql_at``, ``sql_at``, ``routed_at``, ``first_touch_at``,
    ``converted_at``) are what speed-to-lead and funnel conversion are measured from, so the
    methods below set each one once and never move it. ``merged_into_id`` is set on a
    duplicate merged into another lead (see ``Merge``). ``conversion_probability`` is the
    learned lead-conversion model's, set by the engine only while the AI-readiness gate has
    the model switched on (else ``None``).
    """

    id: str = field(default_factory=new_id)
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    title: str | None = None
    country: str | None = None
    lead_source: str | None = None
    channel: str | None = None
    status: LeadStatus = LeadStatus.NEW
    created_at: datetime = field(default_factory=utc_now)
    mql_at: datetime | None = None
    sql_at: datetime | None = None
    fit_score: float | None = None
    engagement_score: float | None = None
    conversion_probability: float | None = None
    owner_id: str | None = None
    routed_at: datetime | None = None
    first_touch_at: datetime | None = None
    converted_at: datetime | None = None
    converted_contact_id: str | None = None
    converted_account_id: str | None = None
    converted_opportunity_id: str | None = None
    disqualification_reason: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    merged_into_id: str | None = None
    source_system: str | None = None
    source_id: str | None = None
    version: int = 0

    @property
    def is_open(self) -> bool:
        """Still in play: neither converted nor disqualified."""
        return self.status not in (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED)

    def change_status(self, status: LeadStatus, at: datetime) -> None:
        """Move the lead to ``status``; the first time it reaches MQL or SQL is stamped.

        Reaching SAL or SQL without having been an MQL stamps ``mql_at`` too, so funnel counts
        stay monotone.
        """
        at = as_utc(at)
        if not self.is_open:
            raise ValueError(f"Lead {self.id}: status is {self.status}, it cannot change")
        if status == LeadStatus.CONVERTED:
            raise ValueError(f"Lead {self.id}: use convert() to convert a lead")
        if status in (LeadStatus.MQL, LeadStatus.SAL, LeadStatus.SQL) and self.mql_at is None:
            self.mql_at = at
        if status == LeadStatus.SQL and self.sql_at is None:
            self.sql_at = at
        self.status = status

    def assign(self, owner_id: str, at: datetime) -> None:
        """Route the lead to ``owner_id``; ``routed_at`` keeps the first routing time."""
        self.owner_id = owner_id
        if self.routed_at is None:
            self.routed_at = as_utc(at)

    def record_touch(self, at: datetime) -> None:
        """Note a sales touch (call, email); only the first one sets ``first_touch_at``."""
        at = as_utc(at)
        if self.first_touch_at is None or at < self.first_touch_at:
            self.first_touch_at = at

    def convert(
        self,
        *,
        contact_id: str,
        account_id: str,
        opportunity_id: str | None,
        at: datetime,
    ) -> None:
        """Close the lead as converted into a contact on an account (and maybe a deal)."""
        if not self.is_open:
            raise ValueError(f"Lead {self.id}: status is {self.status}, it cannot be converted")
        self.change_status(LeadStatus.SQL, at)
        self.status = LeadStatus.CONVERTED
        self.converted_at = as_utc(at)
        self.converted_contact_id = contact_id
        self.converted_account_id = account_id
        self.converted_opportunity_id = opportunity_id
