"""Leads' status is no longer indexed.

A lead's status has a handful of values and most leads are open, so a lookup by status
reads most of the table either way (the SLA timer's, the assessment's counts), while every
new lead paid for one more index entry. Index only; downgrading restores it.

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-17 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index(op.f("ix_leads_status"), table_name="leads")


def downgrade() -> None:
    op.create_index(op.f("ix_leads_status"), "leads", ["status"], unique=False)
