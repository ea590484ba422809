"""Import batches count the rows merged into a master: ``import_batches.rows_merged``.

Before this revision a batch kept the rows dedupe merged away with its unchanged rows, so
its counts still added up. Batches already stored get ``0`` (their merged rows stay counted
as unchanged); the ``'0'`` default is then dropped, since the application always writes the
count. Downgrading folds the merged rows back into ``rows_unchanged`` before the column goes,
so every batch's counts keep adding up. Batch mode keeps the steps working on SQLite.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.add_column(
            sa.Column("rows_merged", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.alter_column("rows_merged", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    op.execute("UPDATE import_batches SET rows_unchanged = rows_unchanged + rows_merged")
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.drop_column("rows_merged")
