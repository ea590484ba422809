"""Leads' conversion probability: the learned lead-conversion model's, beside the rule scores.

One nullable column on ``leads``. The engine fills it only while the AI-readiness gate has
the learned model switched on; existing leads have none until they are scored again.
Downgrading drops the column (the probabilities are recomputed from the model file).

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-16 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Both backends add a nullable column in place: no table copy, indexes untouched.
    op.add_column("leads", sa.Column("conversion_probability", sa.Float(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.drop_column("leads", "conversion_probability")
