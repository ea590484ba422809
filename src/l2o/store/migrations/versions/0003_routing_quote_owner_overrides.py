"""Routing assignments and pool state; quote owners and terms; gate override roles; stalls.

What the revenue services need that 0002 lacked:

- new tables ``assignments`` (every routing of a lead with "why this owner": rule, pool and
  pointer, reasons, alternatives passed over) and ``routing_state`` (one versioned row: each
  pool's round-robin pointer and each rep's load for the day);
- ``quotes.owner_id`` (the rep asking for approvals: nobody approves their own quote) and
  ``quotes.non_standard_terms`` (the spec's term ids the quote asks for);
- ``users.roles`` (the spec's role ids a person holds: approvers, gate overriders);
- ``stage_changes.override_role`` (who may override a gate is a role; the move records it);
- ``opportunities.stalled_at`` (when a deal was flagged past its stage's stall limit).

New JSON lists on existing tables are added with a ``'[]'`` default for the rows already
there, which is then dropped (the application always writes them). Batch mode keeps the
steps working on SQLite, as in 0002.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 09:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lead_id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("assignee", sa.String(length=320), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("pool", sa.String(length=64), nullable=True),
        sa.Column("pointer", sa.Integer(), nullable=True),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("territory", sa.String(length=64), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("alternatives", sa.JSON(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_assignments_lead_id_leads"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_assignments_owner_id_users"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_lead_id"), "assignments", ["lead_id"], unique=False)
    op.create_index(op.f("ix_assignments_owner_id"), "assignments", ["owner_id"], unique=False)
    op.create_index(
        op.f("ix_assignments_assigned_at"), "assignments", ["assigned_at"], unique=False
    )

    op.create_table(
        "routing_state",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("loads", sa.JSON(), nullable=False),
        sa.Column("pointers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_state")),
    )

    with op.batch_alter_table("quotes") as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column(
                "non_standard_terms", sa.JSON(), nullable=False, server_default=sa.text("'[]'")
            )
        )
        batch_op.create_index(batch_op.f("ix_quotes_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_quotes_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            initially="DEFERRED",
            deferrable=True,
        )
    with op.batch_alter_table("quotes") as batch_op:
        batch_op.alter_column("non_standard_terms", existing_type=sa.JSON(), server_default=None)

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("roles", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("roles", existing_type=sa.JSON(), server_default=None)

    with op.batch_alter_table("stage_changes") as batch_op:
        batch_op.add_column(sa.Column("override_role", sa.String(length=64), nullable=True))

    with op.batch_alter_table("opportunities") as batch_op:
        batch_op.add_column(sa.Column("stalled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opportunities") as batch_op:
        batch_op.drop_column("stalled_at")

    with op.batch_alter_table("stage_changes") as batch_op:
        batch_op.drop_column("override_role")

    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("roles")

    with op.batch_alter_table("quotes") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_quotes_owner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_quotes_owner_id"))
        batch_op.drop_column("non_standard_terms")
        batch_op.drop_column("owner_id")

    op.drop_table("routing_state")

    op.drop_index(op.f("ix_assignments_assigned_at"), table_name="assignments")
    op.drop_index(op.f("ix_assignments_owner_id"), table_name="assignments")
    op.drop_index(op.f("ix_assignments_lead_id"), table_name="assignments")
    op.drop_table("assignments")
