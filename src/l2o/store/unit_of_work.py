"""The unit of work: one transaction per use case, with its repositories, audit and outbox.

::

    engine = engine_for(settings.database_url)
    with SqlAlchemyUnitOfWork(engine, actor=user.id, source="api") as uow:
        opp = uow.opportunities.get(opportunity_id)
        change = opp.move_to_stage("Proposal", at=utc_now(), by=user.id)
        uow.publish(OpportunityStageChanged.of(opp, change))
        uow.commit()

Leaving the block without ``commit()`` (or by an exception) rolls everything back: the
change, its audit rows and its outbox messages together. Records read in the block stay
usable after it (they are not expired at commit).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from l2o import domain
from l2o.errors import StaleRecord, StoreError
from l2o.store.audit import AuditLog
from l2o.store.engine import connection_error
from l2o.store.mapping import VERSIONED_RECORDS, start_mappers
from l2o.store.migrate import ensure_current
from l2o.store.repositories import (
    AuditRepository,
    FieldChangeRepository,
    ImportableRepository,
    MergeRepository,
    OutboxRepository,
    Repository,
)

__all__ = ["SqlAlchemyUnitOfWork"]

_VERSIONED_CANDIDATES = "l2o.versioned_candidates"


class SqlAlchemyUnitOfWork:
    """A transaction on the store with one repository per aggregate.

    ``actor`` (a user id) and ``source`` (``app``, ``api``, ``import:hubspot``...) are written
    on every audit row. Opening it on a database whose schema is behind the code raises
    ``MigrationError``.
    """

    territories: ImportableRepository[domain.Territory]
    users: ImportableRepository[domain.User]
    accounts: ImportableRepository[domain.Account]
    contacts: ImportableRepository[domain.Contact]
    campaigns: ImportableRepository[domain.Campaign]
    touchpoints: ImportableRepository[domain.Touchpoint]
    leads: ImportableRepository[domain.Lead]
    opportunities: ImportableRepository[domain.Opportunity]
    stage_changes: ImportableRepository[domain.StageChange]
    field_changes: FieldChangeRepository
    products: ImportableRepository[domain.Product]
    price_book: ImportableRepository[domain.PriceBookEntry]
    quotes: ImportableRepository[domain.Quote]
    approvals: Repository[domain.Approval]
    orders: ImportableRepository[domain.Order]
    contracts: ImportableRepository[domain.Contract]
    usage: ImportableRepository[domain.UsageRecord]
    support_tickets: ImportableRepository[domain.SupportTicket]
    tasks: ImportableRepository[domain.Task]
    import_batches: Repository[domain.ImportBatch]
    quarantine: Repository[domain.QuarantinedRow]
    merges: MergeRepository
    assignments: Repository[domain.Assignment]
    routing_state: Repository[domain.RoutingState]
    audit: AuditRepository
    outbox: OutboxRepository

    def __init__(self, engine: Engine, *, actor: str | None = None, source: str = "app") -> None:
        start_mappers()
        self.engine = engine
        self.audit_log = AuditLog(actor=actor, source=source)
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The open session (for the store's own code and for tests; services use repositories)."""
        if self._session is None:
            raise StoreError("the unit of work is not open: use it in a `with` block")
        return self._session

    def __enter__(self) -> Self:
        try:
            ensure_current(self.engine)
        except sa.exc.DBAPIError as exc:
            raise connection_error(self.engine.url, exc) from exc
        session = UnitOfWorkSession(bind=self.engine, expire_on_commit=False)
        # The session hands its flushes and loads to this unit of work (UnitOfWorkSession).
        session.info[_UNIT_OF_WORK] = self
        # The session only holds weak references to unmodified records, so one edited in
        # place (a JSON field) and then dropped by the caller would vanish before commit
        # and its change with it. Records loaded by this unit of work live as long as it.
        self._loaded: list[object] = []
        self._session = session
        self._uncommitted_flush = False
        self._open_repositories(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if not (self._uncommitted_flush or session.new or session.dirty or session.deleted):
                # Nothing to undo: detach the records as they are, so what was read stays
                # readable after the block (a rollback would expire it).
                session.expunge_all()
            session.rollback()
        finally:
            session.close()
            self._session = None
            self._loaded = []
        if isinstance(exc, StaleDataError):
            # An autoflush inside the block hit the optimistic lock: say which record.
            raise self._stale_record(session) from exc

    def commit(self) -> None:
        """Write everything done so far in one transaction, with its audit and outbox rows."""
        session = self.session
        self.audit_log.flag_in_place_changes(session)
        try:
            session.commit()
            self._uncommitted_flush = False
        except StaleDataError as exc:
            session.rollback()
            raise self._stale_record(session) from exc
        except sa.exc.IntegrityError as exc:
            session.rollback()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise StoreError(f"the change breaks a rule of the store: {reason}") from exc

    def rollback(self) -> None:
        """Undo everything since the last commit."""
        self.session.rollback()
        self._uncommitted_flush = False

    def flush(self) -> None:
        """Send pending changes to the database without committing (e.g. to see ids' rows)."""
        try:
            self.session.flush()
        except StaleDataError as exc:
            self.session.rollback()
            raise self._stale_record(self.session) from exc

    def publish(self, event: domain.Event) -> domain.OutboxMessage:
        """Queue ``event`` in the outbox, in this transaction: it exists only if the change does."""
        message = domain.OutboxMessage(event_type=event.event_type, payload=event.to_payload())
        self.session.add(message)
        return message

    @property
    def actor(self) -> str | None:
        """The user id audit rows are written under."""
        return self.audit_log.actor

    @actor.setter
    def actor(self, value: str | None) -> None:
        self.audit_log.actor = value

    def _keep_loaded(self, record: object) -> None:
        self._loaded.append(record)

    def _note_flush(self) -> None:
        self._uncommitted_flush = True

    def _open_repositories(self, session: Session) -> None:
        self.territories = ImportableRepository(session, domain.Territory)
        self.users = ImportableRepository(session, domain.User)
        self.accounts = ImportableRepository(session, domain.Account)
        self.contacts = ImportableRepository(session, domain.Contact)
        self.campaigns = ImportableRepository(session, domain.Campaign)
        self.touchpoints = ImportableRepository(session, domain.Touchpoint)
        self.leads = ImportableRepository(session, domain.Lead)
        self.opportunities = ImportableRepository(session, domain.Opportunity)
        self.stage_changes = ImportableRepository(session, domain.StageChange)
        self.field_changes = FieldChangeRepository(session)
        self.products = ImportableRepository(session, domain.Product)
        self.price_book = ImportableRepository(session, domain.PriceBookEntry)
        self.quotes = ImportableRepository(session, domain.Quote)
        self.approvals = Repository(session, domain.Approval)
        self.orders = ImportableRepository(session, domain.Order)
        self.contracts = ImportableRepository(session, domain.Contract)
        self.usage = ImportableRepository(session, domain.UsageRecord)
        self.support_tickets = ImportableRepository(session, domain.SupportTicket)
        self.tasks = ImportableRepository(session, domain.Task)
        self.import_batches = Repository(session, domain.ImportBatch)
        self.quarantine = Repository(session, domain.QuarantinedRow)
        self.merges = MergeRepository(session)
        self.assignments = Repository(session, domain.Assignment)
        self.routing_state = Repository(session, domain.RoutingState)
        self.audit = AuditRepository(session)
        self.outbox = OutboxRepository(session)

    def _stale_record(self, session: Session) -> StaleRecord:
        """The ``StaleRecord`` for the versioned record whose stored version moved on."""
        candidates: list[tuple[type[Any], str, int]] = session.info.get(_VERSIONED_CANDIDATES, [])
        with self.engine.connect() as connection:
            for record_class, record_id, version in candidates:
                table = sa.inspect(record_class).local_table
                stored = connection.scalar(
                    sa.select(table.c.version).where(table.c.id == record_id)
                )
                if stored != version:
                    return StaleRecord(record_class.__name__, record_id, version)
        if candidates:
            record_class, record_id, version = candidates[0]
            return StaleRecord(record_class.__name__, record_id, version)
        return StaleRecord("record", "?", 0)


_UNIT_OF_WORK = "l2o.unit_of_work"


class UnitOfWorkSession(Session):
    """The session a unit of work opens: its flush and load events go to that unit of work
    (audit rows, version checks, records kept alive). The listeners are registered once on
    this class - registering them on every new session cost about 0.1 ms apiece, more than
    a small command's own statements."""


@sa.event.listens_for(UnitOfWorkSession, "before_flush")
def _before_flush(session: Session, context: object, objects: object) -> None:
    unit = session.info.get(_UNIT_OF_WORK)
    if unit is not None:
        unit.audit_log.before_flush(session, context, objects)
    _remember_versioned_candidates(session, context, objects)


@sa.event.listens_for(UnitOfWorkSession, "after_flush")
def _after_flush(session: Session, _context: object) -> None:
    unit = session.info.get(_UNIT_OF_WORK)
    if unit is not None:
        unit._note_flush()


@sa.event.listens_for(UnitOfWorkSession, "loaded_as_persistent")
def _loaded(session: Session, record: object) -> None:
    unit = session.info.get(_UNIT_OF_WORK)
    if unit is not None:
        unit._keep_loaded(record)


def _remember_versioned_candidates(session: Session, _context: object, _objects: object) -> None:
    # Before each flush, note the versioned records it may update or delete, with the
    # version they were read at, so a stale write can be traced to its record.
    session.info[_VERSIONED_CANDIDATES] = [
        (type(record), record.id, record.version)
        for record in (*session.dirty, *session.deleted)
        if type(record) in VERSIONED_RECORDS
    ]
