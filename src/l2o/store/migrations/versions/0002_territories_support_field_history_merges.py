"""Territories, support tickets, opportunity field history, merges; coverage and lifecycle columns.

What the simulator and the importers need that 0001 lacked:

- new tables ``territories``, ``support_tickets``, ``opportunity_field_changes`` (deal
  field history other than stage: close-date slips) and ``merges`` (dedupe, undoable);
- ``users.territory_id``; ``accounts.segment``, ``territory_id``, ``health_score``;
  ``contracts.contract_type`` and ``parent_contract_id``; ``usage_records.licensed_seats``;
- ``merged_into_id`` on accounts, contacts and leads: a merged-away record points at the
  record it was merged into.

Column changes run in batch mode: on SQLite, adding a foreign key rewrites the table
(``l2o.store.migrate`` switches SQLite's foreign-key checks off around it and checks every
reference before committing). Written against plain SQLAlchemy types, like 0001.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:12:41.503118
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "territories",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("segment", sa.String(length=60), nullable=True),
        sa.Column("source_system", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territories")),
        sa.UniqueConstraint(
            "source_system", "source_id", name=op.f("uq_territories_source_system_source_id")
        ),
    )

    op.create_table(
        "support_tickets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=20), nullable=True),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("source_system", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.CheckConstraint(
            "satisfaction BETWEEN 1 AND 5", name=op.f("ck_support_tickets_satisfaction_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_support_tickets_account_id_accounts"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_support_tickets_contact_id_contacts"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_tickets")),
        sa.UniqueConstraint(
            "source_system", "source_id", name=op.f("uq_support_tickets_source_system_source_id")
        ),
    )
    op.create_index(
        op.f("ix_support_tickets_account_id"), "support_tickets", ["account_id"], unique=False
    )
    op.create_index(
        op.f("ix_support_tickets_contact_id"), "support_tickets", ["contact_id"], unique=False
    )
    op.create_index(op.f("ix_support_tickets_status"), "support_tickets", ["status"], unique=False)

    op.create_table(
        "opportunity_field_changes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("opportunity_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=36), nullable=True),
        sa.Column("source_system", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_field_changes_opportunity_id_opportunities"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_field_changes")),
        sa.UniqueConstraint(
            "source_system",
            "source_id",
            name=op.f("uq_opportunity_field_changes_source_system_source_id"),
        ),
    )
    op.create_index(
        op.f("ix_opportunity_field_changes_opportunity_id"),
        "opportunity_field_changes",
        ["opportunity_id"],
        unique=False,
    )

    op.create_table(
        "merges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("master_id", sa.String(length=36), nullable=False),
        sa.Column("merged_id", sa.String(length=36), nullable=False),
        sa.Column("merged_snapshot", sa.JSON(), nullable=False),
        sa.Column("reparented", sa.JSON(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_by", sa.String(length=36), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merges")),
    )
    op.create_index(
        op.f("ix_merges_record_type_master_id"),
        "merges",
        ["record_type", "master_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_merges_record_type_merged_id"),
        "merges",
        ["record_type", "merged_id"],
        unique=False,
    )

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("territory_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_territory_id"), ["territory_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_territory_id_territories"),
            "territories",
            ["territory_id"],
            ["id"],
            initially="DEFERRED",
            deferrable=True,
        )

    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("segment", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("territory_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("health_score", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_accounts_territory_id"), ["territory_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_accounts_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_accounts_territory_id_territories"),
            "territories",
            ["territory_id"],
            ["id"],
            initially="DEFERRED",
            deferrable=True,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_accounts_merged_into_id_accounts"),
            "accounts",
            ["merged_into_id"],
            ["id"],
            initially="DEFERRED",
            deferrable=True,
        )

    for table in ("contacts", "leads"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("merged_into_id", sa.String(length=36), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_merged_into_id"), ["merged_into_id"], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_merged_into_id_{table}"),
                table,
                ["merged_into_id"],
                ["id"],
                initially="DEFERRED",
                deferrable=True,
            )

    with op.batch_alter_table("contracts") as batch_op:
        batch_op.add_column(sa.Column("parent_contract_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("contract_type", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contracts_parent_contract_id"), ["parent_contract_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contracts_parent_contract_id_contracts"),
            "contracts",
            ["parent_contract_id"],
            ["id"],
            initially="DEFERRED",
            deferrable=True,
        )

    with op.batch_alter_table("usage_records") as batch_op:
        batch_op.add_column(sa.Column("licensed_seats", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("usage_records") as batch_op:
        batch_op.drop_column("licensed_seats")

    with op.batch_alter_table("contracts") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contracts_parent_contract_id_contracts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_contracts_parent_contract_id"))
        batch_op.drop_column("contract_type")
        batch_op.drop_column("parent_contract_id")

    for table in ("leads", "contacts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_merged_into_id_{table}"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_merged_into_id"))
            batch_op.drop_column("merged_into_id")

    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_accounts_merged_into_id_accounts"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_accounts_territory_id_territories"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_accounts_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_accounts_territory_id"))
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("health_score")
        batch_op.drop_column("territory_id")
        batch_op.drop_column("segment")

    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_users_territory_id_territories"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_users_territory_id"))
        batch_op.drop_column("territory_id")

    op.drop_index(op.f("ix_merges_record_type_merged_id"), table_name="merges")
    op.drop_index(op.f("ix_merges_record_type_master_id"), table_name="merges")
    op.drop_table("merges")

    op.drop_index(
        op.f("ix_opportunity_field_changes_opportunity_id"), table_name="opportunity_field_changes"
    )
    op.drop_table("opportunity_field_changes")

    op.drop_index(op.f("ix_support_tickets_status"), table_name="support_tickets")
    op.drop_index(op.f("ix_support_tickets_contact_id"), table_name="support_tickets")
    op.drop_index(op.f("ix_support_tickets_account_id"), table_name="support_tickets")
    op.drop_table("support_tickets")

    op.drop_table("territories")
