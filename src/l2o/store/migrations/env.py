"""Alembic environment for the L2O store, driven from ``l2o.store.migrations`` in code.

The caller passes an open connection in ``config.attributes["connection"]``; the migration
runs inside the caller's transaction (PostgreSQL applies DDL transactionally). Batch mode is
on so future ``ALTER`` steps also work on SQLite, which rewrites tables to alter them.
"""

from __future__ import annotations

from alembic import context

from l2o.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "the L2O migrations run through l2o.store.upgrade() or `l2o db upgrade`, "
        "which pass the database connection"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
