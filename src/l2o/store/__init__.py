"""The store: records in SQLite or PostgreSQL through SQLAlchemy 2, migrated by Alembic.

Public API::

    engine = engine_for("sqlite:///./l2o-data/l2o.db")   # or postgresql+psycopg://...
    upgrade(engine)                                       # create or migrate the schema
    with SqlAlchemyUnitOfWork(engine, actor=user_id, source="api") as uow:
        account = uow.accounts.get(account_id)            # RecordNotFound if missing
        account.tier = "A"                                # audited at commit
        uow.publish(event)                                # outbox row, same transaction
        uow.commit()                                      # StaleRecord on a lost update

See docs/store.md for the conventions (ids, money, time), locking, audit and outbox.

Importing the store maps the domain classes (``start_mappers``), so a record made anywhere
after that import can be added to a unit of work; a record made before the mapping could not.
"""

from l2o.store.assessments import AssessmentSnapshots, SnapshotSummary
from l2o.store.audit import AUDITED_RECORDS, AuditLog
from l2o.store.engine import describe_url, engine_for
from l2o.store.mapping import VERSIONED_RECORDS, start_mappers
from l2o.store.migrate import (
    current_revision,
    downgrade,
    ensure_current,
    head_revision,
    upgrade,
)
from l2o.store.repositories import (
    AuditRepository,
    FieldChangeRepository,
    ImportableRepository,
    MergeRepository,
    OutboxRepository,
    Repository,
)
from l2o.store.schema import metadata
from l2o.store.unit_of_work import SqlAlchemyUnitOfWork

start_mappers()

__all__ = [
    "AUDITED_RECORDS",
    "VERSIONED_RECORDS",
    "AssessmentSnapshots",
    "AuditLog",
    "AuditRepository",
    "FieldChangeRepository",
    "ImportableRepository",
    "MergeRepository",
    "OutboxRepository",
    "Repository",
    "SnapshotSummary",
    "SqlAlchemyUnitOfWork",
    "current_revision",
    "describe_url",
    "downgrade",
    "engine_for",
    "ensure_current",
    "head_revision",
    "metadata",
    "start_mappers",
    "upgrade",
]
