"""Sparse reference indexes: references most rows leave empty are indexed only where set.

A lead's conversion and merge references and a touchpoint's campaign, contact, account,
opportunity and rep references are empty on most rows (a new lead, a lead's touch), yet
every insert wrote each of those rows into every such index. Their indexes become partial
(``WHERE column IS NOT NULL``): lookups by a value still use them; inserting a row without
the reference costs them nothing. Indexes only; downgrading restores the full indexes.

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-15 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPARSE: dict[str, tuple[str, ...]] = {
    "leads": (
        "converted_contact_id",
        "converted_account_id",
        "converted_opportunity_id",
        "merged_into_id",
    ),
    "touchpoints": ("campaign_id", "contact_id", "account_id", "opportunity_id", "user_id"),
}


def upgrade() -> None:
    for table, columns in SPARSE.items():
        for column in columns:
            name = op.f(f"ix_{table}_{column}")
            where = sa.text(f"{column} IS NOT NULL")
            op.drop_index(name, table_name=table)
            op.create_index(
                name, table, [column], unique=False, sqlite_where=where, postgresql_where=where
            )


def downgrade() -> None:
    for table, columns in SPARSE.items():
        for column in columns:
            name = op.f(f"ix_{table}_{column}")
            op.drop_index(name, table_name=table)
            op.create_index(name, table, [column], unique=False)
