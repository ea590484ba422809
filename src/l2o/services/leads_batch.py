"""Leads in bulk: many new leads with their touchpoints scored, staged and routed at once.

::

    outcomes = add_leads(system, [
        NewLead(AddLead(email="ana@globex.example", title="Head of Data", at=now),
                touches=(NewTouch(touch_type="demo_request", at=now + minute),)),
        ...
    ])

A batch decides exactly what the one-lead commands decide, lead after lead in the order
given: each lead as :func:`~l2o.services.leads.add_lead` adds it, then each of its touches
as :func:`~l2o.services.leads.log_touchpoint` logs it, through the same rules
(:func:`~l2o.services.leads.rescore_lead`, :func:`~l2o.services.leads.assign_lead`), with
the pools' state carried from one routing to the next (every lead is scored before the
first is routed: scoring reads nothing routing changes). Only the writing differs: the
routing state and the lead-to-account matches are read once, and the leads (one ``create``
audit row each; their owners filled in once routed), touchpoints, assignments and outbox
events are written set-based, all in **one transaction per batch**. A refusal (a pool
naming a rep who is no user) refuses the whole batch; a routing committed by someone else
meanwhile makes the pool state stale and the batch starts again from the new state, so
capacity is never overrun.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy.orm.instrumentation import manager_of_class

from l2o import domain
from l2o.domain import (
    ROUTING_STATE_ID,
    Account,
    AddLead,
    Assignment,
    Lead,
    Touchpoint,
    jsonable,
)
from l2o.engine import LeadScore, LearnedProbability, PoolState
from l2o.errors import StaleRecord
from l2o.services.batching import IdSupply, collector_paused, new_ids
from l2o.services.bootstrap import RevenueSystem
from l2o.services.leads import (
    LeadOutcome,
    NewTouch,
    Routed,
    assign_lead,
    check_arrival,
    lead_outcome,
    lead_values,
    rescore_lead_explained,
    touchpoint_values,
)
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.bulk import BulkWriter, LookUp

__all__ = ["NewLead", "NewTouch", "add_leads"]

_ATTEMPTS = 3


@dataclass(frozen=True)
class NewLead:
    """A lead to add and the touches to log after it, in order."""

    lead: AddLead
    touches: tuple[NewTouch, ...] = ()


def add_leads(
    system: RevenueSystem,
    leads: Sequence[NewLead],
    *,
    actor: str | None = None,
    routing_turn: Callable[[], AbstractContextManager[object]] | None = None,
) -> list[LeadOutcome]:
    """Add, score, stage and route ``leads`` with their touches in one transaction.

    Returns one :class:`LeadOutcome` per lead, in order: its final status and score, every
    stage it reached and its last routing. Audited under ``actor``; each assignment names
    its own command's ``requested_by``.

    ``routing_turn`` (a context manager factory), when given, is held from just before the
    pools' state is read until the commit: what locking the state row does on a server,
    for stores without row locks. Other batches score their leads meanwhile.
    """
    lead_ids = new_ids(len(leads))
    for lead_id, item in zip(lead_ids, leads, strict=True):
        check_arrival(lead_id, system.now(item.lead.at), item.touches, system.now)
    for attempt in range(_ATTEMPTS):
        try:
            # The turn (entered by ``_add``) is let go after the unit of work has committed.
            with (
                ExitStack() as held,
                collector_paused(),
                BufferedUnitOfWork(system.engine, actor=actor, source=system.source) as uow,
            ):
                outcomes = _add(uow, system, leads, lead_ids, held, routing_turn)
                uow.commit()
            return outcomes
        except StaleRecord:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


class BufferedUnitOfWork(SqlAlchemyUnitOfWork):
    """A unit of work whose outbox events are written in bulk.

    What the ORM writes one row at a time costs more than the rules deciding it; events are
    plain appends, so they wait in memory and go in one ``executemany`` with the batch's
    other rows (:meth:`write_events`) or just before the commit, in the same transaction.
    Their ids - and those of the batch's touchpoints and assignments (``ids``) - are made
    many at a time.
    """

    def __enter__(self) -> BufferedUnitOfWork:
        self.buffered: list[domain.OutboxMessage] = []
        self.ids = IdSupply()  # every id the batch makes: events, touchpoints, assignments
        super().__enter__()
        return self

    def publish(self, event: domain.Event) -> domain.OutboxMessage:
        """Queue ``event`` for the outbox, written at commit with everything else."""
        message = _detached(
            domain.OutboxMessage,
            {"id": self.ids.take(), "event_type": event.event_type, "payload": _payload(event)},
            changed=False,
        )
        self.buffered.append(message)
        return message

    def write_events(self, writer: BulkWriter) -> None:
        """Write the events buffered so far with ``writer`` (on this unit's transaction)."""
        if self.buffered:
            writer.append(
                "outbox",
                [vars(message) for message in self.buffered],
                columns=_stored_fields(domain.OutboxMessage),
            )
            self.buffered = []

    def commit_queued(self, writer: BulkWriter) -> None:
        """Inside ``writer.together()``: commit with the writes queued, in their round trip
        (:meth:`BulkWriter.commit_queued`), when the session has nothing of its own to write
        - the batch writes through ``writer`` alone. :meth:`commit` is still called after."""
        session = self.session
        self.audit_log.flag_in_place_changes(session)
        pending = self._uncommitted_flush or session.new or session.dirty or session.deleted
        if not (self.buffered or pending):
            writer.commit_queued()

    def commit(self) -> None:
        """Write the events still buffered, then commit as any unit of work does."""
        self.write_events(BulkWriter.for_unit_of_work(self))
        super().commit()


def _add(
    uow: BufferedUnitOfWork,
    system: RevenueSystem,
    leads: Sequence[NewLead],
    lead_ids: Sequence[str],
    held: ExitStack,
    routing_turn: Callable[[], AbstractContextManager[object]] | None,
) -> list[LeadOutcome]:
    """Score and stage every lead, then route them in order and write it all.

    Scoring reads nothing routing changes, so every lead is scored before the pools' state
    is read - and locked, on a server (or ``routing_turn`` taken, kept in ``held`` until
    the caller commits): other batches wait for this one's commit from that moment only,
    while their own scoring goes on. On a server everything after the scoring goes in one
    pipeline (``BulkWriter.together``): what routing does not change (touchpoints, the
    scoring's events, the leads themselves) is sent with the state's read, and the state's
    update, the owners routing gave the leads, their assignments and events with the commit
    - the lock is held for two round trips (the read, then the writes with the commit) and
    for what routing alone decides.
    """
    writer = BulkWriter.for_unit_of_work(uow)
    routes = any(item.lead.route for item in leads)
    # The leads' accounts and the reps the pools name (users the batch only reads) are read
    # together - one round trip on a server, with the transaction's start - before the
    # turn (or the lock), not while holding it.
    members = _pool_members(system) if routes else set()
    account_rows, user_rows = writer.look_up(_accounts_look_up(leads), _users_look_up(members))
    accounts = _accounts_by_domain(account_rows)
    users = _user_ids_of(members, user_rows)
    scored = [
        _scored(uow, system, item, lead_id, accounts)
        for item, lead_id in zip(leads, lead_ids, strict=True)
    ]
    if routing_turn is not None:
        held.enter_context(routing_turn())
    touch_rows = [row for new in scored for row in new.touch_rows]
    # Every field is set on these records: their state is their row (a copy: routing
    # changes the records afterwards).
    lead_rows = [dict(vars(new.lead)) for new in scored]
    outcomes: list[LeadOutcome] = []
    assignment_rows: list[dict[str, Any]] = []
    with writer.together():
        # What routing does not change goes first: on a server it is sent on its way with
        # the pools' state's read, before that read's lock is held.
        if touch_rows:  # the columns the rows leave out, the same on every row
            given = touch_rows[0].keys()
            defaults = {name: v for name, v in _TOUCH_DEFAULTS.items() if name not in given}
            writer.insert("touchpoints", touch_rows, constants=defaults)
        writer.insert("leads", lead_rows, columns=_stored_fields(Lead))
        uow.write_events(writer)  # those of scoring and staging
        pools = _Pools(uow, system, writer, users) if routes else None
        for item, new in zip(leads, scored, strict=True):
            command = item.lead
            routed = None
            if command.route and pools is not None:
                routed = pools.route(new.lead, new.account, new.at, command.requested_by)
                assignment_rows.append(vars(routed.assignment))
            outcomes.append(
                lead_outcome(system.rules, new.lead, new.score, new.reached, routed, new.learned)
            )
        if pools is not None:
            pools.store()  # first: on SQLite a stale pool state is found before the rest
        writer.fill_in("leads", _changed_since(scored, lead_rows))  # their owners
        writer.insert("assignments", assignment_rows, columns=_stored_fields(Assignment))
        uow.write_events(writer)  # those of routing
        uow.commit_queued(writer)
    return outcomes


def _changed_since(
    scored: Sequence[_Scored], rows: Sequence[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """Each lead's id and the stored fields whose value changed since its ``row`` was taken
    (what routing set: its owner and when it was routed)."""
    names = _stored_fields(Lead)
    changes = []
    for new, row in zip(scored, rows, strict=True):
        now = vars(new.lead)
        changed = {name: now[name] for name in names if now[name] != row[name]}
        if changed:
            changes.append((new.lead.id, changed))
    return changes


@dataclass(frozen=True, slots=True)
class _Scored:
    """A new lead as scoring and staging left it, waiting for its routing."""

    lead: Lead
    at: datetime
    account: Account | None
    touch_rows: list[dict[str, Any]]
    score: LeadScore
    reached: tuple[str, ...]
    learned: LearnedProbability | None


def _scored(
    uow: BufferedUnitOfWork,
    system: RevenueSystem,
    item: NewLead,
    lead_id: str,
    accounts: dict[str, Account],
) -> _Scored:
    """``item``'s lead made, its touches logged, scored and staged (as ``add_lead`` and
    ``log_touchpoint`` do, one after the other)."""
    at = system.now(item.lead.at)
    lead = _detached(Lead, lead_values(item.lead, lead_id, at))
    rows = touchpoint_values(item.touches, lead_id, system.now, make_id=uow.ids.take)
    for row in rows:
        if row["user_id"] is not None:
            lead.record_touch(row["occurred_at"])
    account = accounts.get(_email_domain(lead.email) or "")
    # What the rules read of a touch, in the order the store hands them back (by id).
    touches = [_Touch(r["id"], r["occurred_at"], r["touch_type"], r.get("channel")) for r in rows]
    touches.sort(key=lambda t: t.id)
    score, reached, learned = rescore_lead_explained(
        uow, system.rules, lead, account, cast(list[Touchpoint], touches), at
    )
    return _Scored(lead, at, account, rows, score, reached, learned)


@dataclass(frozen=True, slots=True)
class _Touch:
    """A new touchpoint as the scoring and lifecycle rules read it (no ORM record: its row
    is written in bulk as it is)."""

    id: str
    occurred_at: datetime
    touch_type: str
    channel: str | None


#: A touchpoint row's columns that ``touchpoint_values`` leaves at their default.
_TOUCH_DEFAULTS: dict[str, Any] = {
    f.name: f.default
    for f in fields(Touchpoint)
    if f.name != "version" and f.default is not MISSING
}


class _Pools:
    """The pools' state through a batch: read once, carried from routing to routing, and
    stored once (versioned, as one routing stores it) - read and written without the ORM."""

    def __init__(
        self,
        uow: BufferedUnitOfWork,
        system: RevenueSystem,
        writer: BulkWriter,
        users: dict[str, str | None],
    ) -> None:
        self.uow = uow
        self.system = system
        self.writer = writer
        found = writer.rows_where_any("routing_state", {"id": [ROUTING_STATE_ID]}, lock=True)
        self.stored = found[0] if found else None
        self.state = (
            PoolState(self.stored["day"], dict(self.stored["loads"]), dict(self.stored["pointers"]))
            if self.stored is not None
            else PoolState()
        )
        self.last_routed: datetime | None = None
        self._users = dict(users)  # each rep reference's user id, as found so far

    @property
    def locked(self) -> bool:
        """Whether the state's row was read locked - it exists: on a server no other batch
        writes it until this one commits (on SQLite its update is checked as ever)."""
        return self.stored is not None

    def route(self, lead: Lead, account: Account | None, at: datetime, by: str | None) -> Routed:
        """Route ``lead`` at ``at`` from the current state (as ``leads.route_lead`` does)."""
        routed = assign_lead(
            self.uow,
            self.system.rules,
            lead,
            account,
            self.state,
            at,
            exclude=frozenset(),
            trigger="new_lead",
            by=by,
            user_id_of=self._user_id_of,
            make_assignment=self._assignment,
            make_id=self.uow.ids.take,
        )
        self.state = routed.decision.state
        self.last_routed = at
        return routed

    def store(self) -> None:
        """Write the state the last routing left (nothing when nothing was routed or nothing
        changed): a new row at version 1, or the row read, only if still at the version read
        (``StaleRecord`` otherwise, and the batch starts again)."""
        if self.last_routed is None:
            return
        values = {
            "day": self.state.day,
            "loads": dict(self.state.loads),
            "pointers": dict(self.state.pointers),
            "updated_at": self.last_routed,
        }
        stored = self.stored
        if stored is None or any(stored[name] != value for name, value in values.items()):
            version = stored["version"] if stored is not None else None
            self.writer.write_versioned(
                "routing_state", ROUTING_STATE_ID, version, values, locked=self.locked
            )

    @staticmethod
    def _assignment(values: dict[str, Any]) -> Assignment:
        return _detached(Assignment, values, changed=False)

    def _user_id_of(self, reference: str) -> str | None:
        if reference not in self._users:  # not a pool's rep (found before)
            self._users.update(_user_ids(self.writer, {reference}))
        return self._users[reference]


def _pool_members(system: RevenueSystem) -> set[str]:
    """The rep references the spec's routing pools name."""
    routing = system.spec.signals.routing if system.spec.signals else None
    return {m.user for pool in (routing.pools if routing else ()) for m in pool.members}


def _user_ids(writer: BulkWriter, references: set[str]) -> dict[str, str | None]:
    """Each reference's user id as ``users.find_user`` resolves it - by id, else by email
    (as given, else in lower case; the oldest such user), else by a CRM source id that one
    user alone holds - from one query, read without the ORM."""
    (rows,) = writer.look_up(_users_look_up(references))
    return _user_ids_of(references, rows)


def _users_look_up(references: set[str]) -> LookUp:
    """The users ``references`` may name (:func:`_user_ids`)."""
    emails = {r for r in references if "@" in r}
    return LookUp(
        "users",
        {
            "id": references,
            "email": emails | {r.lower() for r in emails},
            "source_id": references - emails,
        },
        columns=("id", "email", "source_id"),
    )


def _user_ids_of(references: set[str], rows: list[dict[str, Any]]) -> dict[str, str | None]:
    """Each reference's user id among the users ``_users_look_up(references)`` found
    (oldest first)."""
    emails = {r for r in references if "@" in r}
    ids = {row["id"] for row in rows}
    by_email: dict[str, str] = {}
    by_source: dict[str, list[str]] = {}
    for row in rows:
        if row["email"] is not None:
            by_email.setdefault(row["email"], row["id"])
        if row["source_id"] is not None:
            by_source.setdefault(row["source_id"], []).append(row["id"])
    found: dict[str, str | None] = {}
    for reference in references:
        if reference in ids:
            found[reference] = reference
        elif reference in emails:
            found[reference] = by_email.get(reference) or by_email.get(reference.lower())
        else:
            matches = by_source.get(reference, [])
            found[reference] = matches[0] if len(matches) == 1 else None
    return found


def _accounts_look_up(leads: Sequence[NewLead]) -> LookUp:
    """The accounts of the leads' e-mail domains (:func:`_accounts_by_domain`)."""
    return LookUp("accounts", {"domain": {d for i in leads if (d := _email_domain(i.lead.email))}})


def _accounts_by_domain(rows: list[dict[str, Any]]) -> dict[str, Account]:
    """Each e-mail domain's account as ``leads.matched_account`` finds it, among the rows
    ``_accounts_look_up`` found (oldest first): the oldest one with that ``domain`` not
    merged into another (new leads have no converted account), read without the ORM (the
    batch only reads it)."""
    found: dict[str, Account] = {}
    for row in rows:
        if row["merged_into_id"] is None and row["domain"] not in found:
            found[row["domain"]] = _detached(Account, row, changed=False)
    return found


def _email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].lower()


_PLAIN: frozenset[type[Any]] = frozenset({str, int, float, bool, type(None)})
_EVENT_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _payload(event: domain.Event) -> dict[str, Any]:
    """``event.to_payload()``, with the field names of each event type looked up once and
    plain values (text, numbers, none) taken as they are instead of through ``jsonable``."""
    kind = type(event)
    if kind.to_payload is not domain.Event.to_payload:  # an event with a payload of its own
        return event.to_payload()
    names = _EVENT_FIELDS.get(kind)
    if names is None:
        names = _EVENT_FIELDS[kind] = tuple(f.name for f in fields(event))
    return {
        name: value if type(value) in _PLAIN else jsonable(value)
        for name in names
        for value in (getattr(event, name),)
    }


R = TypeVar("R", bound=domain.Record)
_DEFAULTS: dict[type[Any], tuple[dict[str, Any], dict[str, Callable[[], Any]]]] = {}


def _detached(record_class: type[R], values: dict[str, Any], *, changed: bool = True) -> R:
    """A ``record_class`` record with ``values`` (the others at their defaults), made as the
    store makes the records it loads - the values set at once, not one attribute event at
    a time, for a tenth of the cost - for records a batch writes in bulk and never adds to
    a session.

    A record that is never changed once made (``changed=False``: an assignment, an outbox
    message) is made without the ORM's instance state at all, a sixth of the cost again:
    its fields read as any record's do, but it can be neither changed nor added to a
    session.
    """
    known = _DEFAULTS.get(record_class)
    if known is None:
        every = fields(cast(Any, record_class))
        known = (
            {f.name: f.default for f in every if f.default is not MISSING},
            {f.name: f.default_factory for f in every if f.default_factory is not MISSING},
        )
        _DEFAULTS[record_class] = known
    defaults, factories = known
    record: R = (
        manager_of_class(record_class).new_instance()
        if changed
        else record_class.__new__(record_class)
    )
    state = vars(record)
    state.update(defaults)
    state.update((name, make()) for name, make in factories.items() if name not in values)
    state.update(values)
    return record


_COLUMNS: dict[type[Any], tuple[str, ...]] = {}


def _stored_fields(record_class: type[Any]) -> tuple[str, ...]:
    """The fields of ``record_class`` a bulk insert writes (the version is the writer's)."""
    names = _COLUMNS.get(record_class)
    if names is None:
        names = tuple(f.name for f in fields(record_class) if f.name != "version")
        _COLUMNS[record_class] = names
    return names
