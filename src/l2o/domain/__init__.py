"""The revenue records (plain classes), their commands and events. Pure: no I/O, no ORM.

The store maps these classes to tables without them knowing (imperative mapping), so the
engine and its tests use them as ordinary objects. Conventions for ids, time and money are
in ``l2o.domain.base``.
"""

from l2o.domain.accounts import Account, Contact
from l2o.domain.approvals import Approval, ApprovalStatus
from l2o.domain.audit import AuditAction, AuditEntry
from l2o.domain.base import JSONValue, Record, as_utc, jsonable, new_id, utc_now
from l2o.domain.catalog import PriceBookEntry, Product
from l2o.domain.commands import (
    AcceptQuote,
    AddLead,
    ApproveQuote,
    ChangeOpportunityStage,
    ChangeQuoteDiscount,
    Command,
    ConvertLead,
    DraftQuote,
    LogTouchpoint,
    QuoteLineRequest,
    RejectQuote,
    RouteLead,
    SubmitQuote,
)
from l2o.domain.contracts import (
    Contract,
    ContractStatus,
    ContractType,
    Order,
    OrderStatus,
    UsageRecord,
)
from l2o.domain.events import (
    AccountHealthChanged,
    AccountSignalRaised,
    ApprovalDecided,
    ApprovalRequested,
    Event,
    LeadConverted,
    LeadRouted,
    LeadSlaBreached,
    LeadStageReached,
    OpportunityClosed,
    OpportunityStageChanged,
    OpportunityStalled,
    OrderBooked,
    RenewalWindowReached,
    SequenceEnrolled,
)
from l2o.domain.imports import ImportBatch, ImportStatus, QuarantinedRow
from l2o.domain.leads import Lead, LeadStatus
from l2o.domain.marketing import Campaign, Touchpoint
from l2o.domain.merges import MERGEABLE_RECORDS, Merge, MergeableRecord, merge_records
from l2o.domain.opportunities import (
    ForecastCategory,
    Opportunity,
    OpportunityFieldChange,
    OpportunityType,
    StageChange,
)
from l2o.domain.outbox import OutboxMessage, OutboxStatus
from l2o.domain.people import User, UserRole
from l2o.domain.quotes import Quote, QuoteLine, QuoteStatus, net_price_after_discount
from l2o.domain.routing import ROUTING_STATE_ID, Assignment, RoutingState
from l2o.domain.support import SupportTicket, TicketStatus
from l2o.domain.tasks import Task, TaskStatus
from l2o.domain.territories import Territory

__all__ = [
    "MERGEABLE_RECORDS",
    "ROUTING_STATE_ID",
    "AcceptQuote",
    "Account",
    "AccountHealthChanged",
    "AccountSignalRaised",
    "AddLead",
    "Approval",
    "ApprovalDecided",
    "ApprovalRequested",
    "ApprovalStatus",
    "ApproveQuote",
    "Assignment",
    "AuditAction",
    "AuditEntry",
    "Campaign",
    "ChangeOpportunityStage",
    "ChangeQuoteDiscount",
    "Command",
    "Contact",
    "Contract",
    "ContractStatus",
    "ContractType",
    "ConvertLead",
    "DraftQuote",
    "Event",
    "ForecastCategory",
    "ImportBatch",
    "ImportStatus",
    "JSONValue",
    "Lead",
    "LeadConverted",
    "LeadRouted",
    "LeadSlaBreached",
    "LeadStageReached",
    "LeadStatus",
    "LogTouchpoint",
    "Merge",
    "MergeableRecord",
    "Opportunity",
    "OpportunityClosed",
    "OpportunityFieldChange",
    "OpportunityStageChanged",
    "OpportunityStalled",
    "OpportunityType",
    "Order",
    "OrderBooked",
    "OrderStatus",
    "OutboxMessage",
    "OutboxStatus",
    "PriceBookEntry",
    "Product",
    "QuarantinedRow",
    "Quote",
    "QuoteLine",
    "QuoteLineRequest",
    "QuoteStatus",
    "Record",
    "RejectQuote",
    "RenewalWindowReached",
    "RouteLead",
    "RoutingState",
    "SequenceEnrolled",
    "StageChange",
    "SubmitQuote",
    "SupportTicket",
    "Task",
    "TaskStatus",
    "Territory",
    "TicketStatus",
    "Touchpoint",
    "UsageRecord",
    "User",
    "UserRole",
    "as_utc",
    "jsonable",
    "merge_records",
    "net_price_after_discount",
    "new_id",
    "utc_now",
]
