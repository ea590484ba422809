"""Assessment snapshots: every ``assessment.json`` kept, so day 0 and day 90 can be compared.

A new table only; downgrading drops it (and the snapshots with it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-20 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_snapshots",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rubric_version", sa.String(20), nullable=False),
        sa.Column("schema_version", sa.String(20), nullable=False),
        sa.Column("index", sa.Float(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_snapshots")),
    )
    op.create_index(
        op.f("ix_assessment_snapshots_name"), "assessment_snapshots", ["name"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_assessment_snapshots_name"), table_name="assessment_snapshots")
    op.drop_table("assessment_snapshots")
