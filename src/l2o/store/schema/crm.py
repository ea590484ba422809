"""Tables of the CRM core: territories and people, accounts and contacts, campaigns and
touches, leads, opportunities and the history of their stages and fields, tasks."""

from __future__ import annotations

import sqlalchemy as sa

from l2o.domain import ForecastCategory, LeadStatus, OpportunityType, TaskStatus, UserRole
from l2o.store.schema._columns import (
    created_at,
    metadata,
    primary_id,
    ref,
    source_columns,
    sparse_index,
    version,
)
from l2o.store.types import JSONData, Money, Percent, TextEnum, UTCDateTime

__all__ = [
    "accounts",
    "campaigns",
    "contacts",
    "leads",
    "opportunities",
    "opportunity_field_changes",
    "stage_changes",
    "tasks",
    "territories",
    "touchpoints",
    "users",
]

territories = sa.Table(
    "territories",
    metadata,
    primary_id(),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("region", sa.String(100)),
    sa.Column("segment", sa.String(60)),
    *source_columns(),
)

users = sa.Table(
    "users",
    metadata,
    primary_id(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(320), index=True),
    sa.Column("role", TextEnum(UserRole), nullable=False),
    sa.Column("team", sa.String(100)),
    ref("manager_id", "users"),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("capacity", sa.Integer),
    ref("territory_id", "territories"),
    # The spec's role ids the person holds beyond ``role`` (approvals, gate overrides).
    sa.Column("roles", JSONData, nullable=False),
    created_at(),
    *source_columns(),
)

accounts = sa.Table(
    "accounts",
    metadata,
    primary_id(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("domain", sa.String(255), index=True),
    sa.Column("industry", sa.String(100)),
    sa.Column("employees", sa.Integer),
    sa.Column("annual_revenue", Money()),
    sa.Column("country", sa.String(100)),
    sa.Column("region", sa.String(100)),
    sa.Column("technologies", JSONData, nullable=False),
    sa.Column("tier", sa.String(40)),
    sa.Column("icp_score", sa.Float),
    ref("owner_id", "users"),
    ref("parent_id", "accounts"),
    sa.Column("segment", sa.String(60)),
    ref("territory_id", "territories"),
    sa.Column("health_score", sa.Float),
    sa.Column("custom_fields", JSONData, nullable=False),
    created_at(),
    ref("merged_into_id", "accounts"),
    *source_columns(),
    version(),
)

contacts = sa.Table(
    "contacts",
    metadata,
    primary_id(),
    ref("account_id", "accounts"),
    sa.Column("first_name", sa.String(100)),
    sa.Column("last_name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(320), index=True),
    sa.Column("phone", sa.String(50)),
    sa.Column("title", sa.String(200)),
    sa.Column("persona", sa.String(60)),
    ref("owner_id", "users"),
    created_at(),
    ref("merged_into_id", "contacts"),
    *source_columns(),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    primary_id(),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("channel", sa.String(60)),
    sa.Column("campaign_type", sa.String(60)),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("budget", Money()),
    sa.Column("currency", sa.String(3), nullable=False),
    created_at(),
    *source_columns(),
)

opportunities = sa.Table(
    "opportunities",
    metadata,
    primary_id(),
    sa.Column("name", sa.String(255), nullable=False),
    ref("account_id", "accounts"),
    ref("owner_id", "users"),
    sa.Column("pipeline", sa.String(60), nullable=False),
    sa.Column("stage", sa.String(60), nullable=False, index=True),
    sa.Column("stage_entered_at", UTCDateTime()),
    sa.Column("stalled_at", UTCDateTime()),
    sa.Column("amount", Money()),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("close_date", sa.Date, index=True),
    sa.Column("probability", Percent()),
    sa.Column("forecast_category", TextEnum(ForecastCategory), nullable=False),
    sa.Column("opportunity_type", TextEnum(OpportunityType), nullable=False),
    created_at(),
    sa.Column("closed_at", UTCDateTime()),
    sa.Column("is_closed", sa.Boolean, nullable=False),
    sa.Column("is_won", sa.Boolean, nullable=False),
    sa.Column("loss_reason", sa.String(255)),
    sa.Column("lead_source", sa.String(100)),
    sa.Column("next_step", sa.String(500)),
    ref("primary_contact_id", "contacts"),
    sa.Column("qualification", JSONData, nullable=False),
    sa.Column("custom_fields", JSONData, nullable=False),
    *source_columns(),
    version(),
)

stage_changes = sa.Table(
    "stage_changes",
    metadata,
    primary_id(),
    ref("opportunity_id", "opportunities", nullable=False),
    sa.Column("from_stage", sa.String(60)),
    sa.Column("to_stage", sa.String(60), nullable=False),
    sa.Column("changed_at", UTCDateTime(), nullable=False),
    sa.Column("changed_by", sa.String(36)),
    sa.Column("amount", Money()),
    sa.Column("close_date", sa.Date),
    sa.Column("criteria_met", sa.Boolean),
    sa.Column("override_reason", sa.String(500)),
    sa.Column("override_role", sa.String(64)),
    *source_columns(),
)

opportunity_field_changes = sa.Table(
    "opportunity_field_changes",
    metadata,
    primary_id(),
    ref("opportunity_id", "opportunities", nullable=False),
    sa.Column("field", sa.String(100), nullable=False),
    # Text, not typed columns: one history holds dates, amounts and names alike.
    sa.Column("old_value", sa.Text),
    sa.Column("new_value", sa.Text),
    sa.Column("changed_at", UTCDateTime(), nullable=False),
    sa.Column("changed_by", sa.String(36)),
    *source_columns(),
)

leads = sa.Table(
    "leads",
    metadata,
    primary_id(),
    sa.Column("first_name", sa.String(100)),
    sa.Column("last_name", sa.String(100)),
    sa.Column("email", sa.String(320), index=True),
    sa.Column("phone", sa.String(50)),
    sa.Column("company", sa.String(255)),
    sa.Column("title", sa.String(200)),
    sa.Column("country", sa.String(100)),
    sa.Column("lead_source", sa.String(100)),
    sa.Column("channel", sa.String(60)),
    sa.Column("status", TextEnum(LeadStatus), nullable=False),  # few values: unindexed
    created_at(),
    sa.Column("mql_at", UTCDateTime()),
    sa.Column("sql_at", UTCDateTime()),
    sa.Column("fit_score", sa.Float),
    sa.Column("engagement_score", sa.Float),
    sa.Column("conversion_probability", sa.Float),
    ref("owner_id", "users"),
    sa.Column("routed_at", UTCDateTime()),
    sa.Column("first_touch_at", UTCDateTime()),
    sa.Column("converted_at", UTCDateTime()),
    ref("converted_contact_id", "contacts", indexed=False),
    ref("converted_account_id", "accounts", indexed=False),
    ref("converted_opportunity_id", "opportunities", indexed=False),
    sa.Column("disqualification_reason", sa.String(255)),
    sa.Column("custom_fields", JSONData, nullable=False),
    ref("merged_into_id", "leads", indexed=False),
    *source_columns(),
    version(),
    # Set on few leads (converted, merged away): new leads are not written into them.
    *(
        sparse_index(name)
        for name in (
            "converted_contact_id",
            "converted_account_id",
            "converted_opportunity_id",
            "merged_into_id",
        )
    ),
)

touchpoints = sa.Table(
    "touchpoints",
    metadata,
    primary_id(),
    sa.Column("occurred_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("touch_type", sa.String(60), nullable=False),
    sa.Column("channel", sa.String(60)),
    ref("campaign_id", "campaigns", indexed=False),
    ref("lead_id", "leads"),
    ref("contact_id", "contacts", indexed=False),
    ref("account_id", "accounts", indexed=False),
    ref("opportunity_id", "opportunities", indexed=False),
    ref("user_id", "users", indexed=False),
    sa.Column("details", JSONData, nullable=False),
    *source_columns(),
    # A touch belongs to a lead or to a contact (with its account and deal), from a
    # campaign or a rep, rarely all: each row is indexed only under the references it has.
    *(
        sparse_index(name)
        for name in ("campaign_id", "contact_id", "account_id", "opportunity_id", "user_id")
    ),
)

tasks = sa.Table(
    "tasks",
    metadata,
    primary_id(),
    sa.Column("subject", sa.String(255), nullable=False),
    ref("owner_id", "users"),
    sa.Column("due_date", sa.Date),
    sa.Column("status", TextEnum(TaskStatus), nullable=False),
    sa.Column("priority", sa.String(20), nullable=False),
    sa.Column("related_type", sa.String(40)),
    # Not a foreign key: a task may point at any kind of record (named by related_type).
    sa.Column("related_id", sa.String(36), index=True),
    sa.Column("description", sa.Text),
    created_at(),
    sa.Column("completed_at", UTCDateTime()),
    *source_columns(),
)
