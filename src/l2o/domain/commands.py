"""Commands: requests, named in the imperative, that a service handles in one transaction.

Small frozen dataclasses, so the API, the CLI, importers and the worker all ask for a change
in the same words. The engine work adds more; these are the ones the store's events answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["ChangeOpportunityStage", "Command", "ConvertLead"]


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of commands; ``requested_by`` is the user id the change is audited under."""

    requested_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeOpportunityStage(Command):
    """Move an opportunity to a stage; ``override_reason`` if its exit criteria are not met."""

    opportunity_id: str
    to_stage: str
    at: datetime
    override_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ConvertLead(Command):
    """Convert a lead into a contact on an account, optionally opening an opportunity."""

    lead_id: str
    at: datetime
    account_id: str | None = None
    create_opportunity: bool = True
