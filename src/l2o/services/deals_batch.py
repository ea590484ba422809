"""Stage gates in bulk: many requested moves checked at once against the store's facts.

::

    checks = check_gates(system, [
        ChangeOpportunityStage(opportunity_id=deal_id, to_stage="business_case", at=now),
        ...
    ])
    [c.opportunity_id for c in checks if not c.allowed]

Each check decides what :func:`~l2o.services.deals.move_opportunity` decides before it
writes - the same :meth:`StageGate.check` on the deal's stored fields, the related records
counted as :func:`~l2o.services.deal_facts.gate_facts` counts them, its derived fields as
:func:`~l2o.services.deal_facts.deal_derived_fields` derives them, and an override only for
a person holding the role - but reads the facts of every deal with a handful of set-based
queries instead of loading each deal and its records one by one. Nothing is written: a
check is a question, a move is still :func:`~l2o.services.deals.advance_opportunity`.

Only what the spec's gates read is read (:attr:`StageGate.fields_read`,
:attr:`StageGate.related_read`): the deals' columns those criteria name, with Core and
without ORM objects, and only the related records they count (contacts per account, live
quotes, the primary quote's lines, orders). A deal's facts are worked out once however many
moves of it are checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from l2o.domain import ChangeOpportunityStage, Opportunity, QuoteStatus, as_utc
from l2o.engine import GateDecision, StageGate
from l2o.errors import RecordNotFound
from l2o.services.batching import collector_paused
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import requested_override
from l2o.services.errors import CommandRefused
from l2o.spec.fields import DERIVED_FIELDS, QUALIFICATION_FIELDS, STORED_FIELDS
from l2o.store import schema as t

__all__ = ["GateCheck", "check_gates"]

#: Ids per ``IN (...)`` query: well under every backend's limit on bound parameters.
_CHUNK = 2_000
_DEAD_QUOTES = (QuoteStatus.REJECTED, QuoteStatus.EXPIRED)
_APPROVED_QUOTES = frozenset({QuoteStatus.APPROVED, QuoteStatus.PRESENTED, QuoteStatus.ACCEPTED})
#: What every check reads whatever the criteria: the gate, the move's validity and the
#: default ``primary_contact`` fact; the account for its contacts.
_ALWAYS = ("id", "pipeline", "stage", "is_closed", "primary_contact_id", "account_id")
_CONTACT_FACTS = frozenset({"contact_roles", "economic_buyer_contact"})
_QUOTE_FACTS = frozenset({"quote", "line_items", "approved_quote"})
_QUOTE_FIELDS = frozenset({"discount_percent", "term_months", "quote_id"})
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GateCheck:
    """One requested move checked: the gate's decision and the refusal the move would meet.

    ``decision`` is ``None`` only when the move is refused before its gate (the person
    overriding does not hold the role); ``refusal`` is ``None`` when the move would go.
    """

    opportunity_id: str
    to_stage: str
    decision: GateDecision | None
    refused_before_gate: CommandRefused | None = None

    @property
    def allowed(self) -> bool:
        """Whether the move would be made."""
        return self.refused_before_gate is None and (
            self.decision is not None and self.decision.allowed
        )

    @property
    def refusal(self) -> CommandRefused | None:
        """The refusal moving the deal would raise (made when asked: most callers only
        count), ``None`` when the move would go."""
        if self.refused_before_gate is not None or self.decision is None:
            return self.refused_before_gate
        decision = self.decision
        if decision.allowed:
            return None
        rule = decision.reasons[0].rule if decision.reasons else "gate"
        return CommandRefused("Opportunity", self.opportunity_id, rule, decision.reasons)


class _StoredDeal:
    """A deal's stored fields the gates read, read-only, by name: the row as it is, without
    the cost of an ``Opportunity`` the session would track. A field that was not read is an
    error, never a silent ``None``."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise LookupError(f"Opportunity {self.__dict__.get('id')}: {name} was not read")


@dataclass(frozen=True, slots=True)
class _GateReads:
    """What the gates read of a deal: its columns, related-record kinds and derived fields."""

    columns: tuple[str, ...]
    related: frozenset[str]
    derived: frozenset[str]

    @classmethod
    def of(cls, gates: Iterable[StageGate]) -> _GateReads:
        """Everything any of ``gates`` reads, each name resolved as ``RecordFields`` does:
        a derived field, else a stored column, else a qualification element, else custom."""
        names: set[str] = set()
        related: set[str] = set()
        for gate in gates:
            names |= gate.fields_read
            related |= gate.related_read
        derived = frozenset(names & DERIVED_FIELDS["opportunity"].keys())
        columns = dict.fromkeys(_ALWAYS)
        for name in sorted(names - derived):
            if name in STORED_FIELDS["opportunity"]:
                columns[name] = None
            elif name in QUALIFICATION_FIELDS:
                columns["qualification"] = None
            else:
                columns["custom_fields"] = None
        if "days_in_stage" in derived:
            columns.update(dict.fromkeys(("stage_entered_at", "created_at")))
        return cls(tuple(columns), frozenset(related), derived)


def check_gates(
    system: RevenueSystem, commands: Sequence[ChangeOpportunityStage]
) -> list[GateCheck]:
    """Check every requested move's gate, as moving the deal would; nothing is written.

    Raises ``RecordNotFound`` for an unknown deal, as a move does.
    """
    gates = system.rules.gates
    reads = _GateReads.of(gates.gates.values())
    with collector_paused(), system.unit_of_work() as uow:
        connection = uow.session.connection()
        ids = list(dict.fromkeys(c.opportunity_id for c in commands))
        deals = _deals(connection, ids, reads.columns)
        for deal_id in ids:
            if deal_id not in deals:
                raise RecordNotFound("Opportunity", deal_id)
        facts = _Facts(connection, system, deals, reads)
        checks: list[GateCheck] = []
        for command in commands:
            deal = deals[command.opportunity_id]
            at = system.now(command.at)
            gate = gates.for_pipeline(deal.pipeline)
            target = gate.stages.get(command.to_stage)
            if target is not None and target.outcome == "lost" and command.loss_reason:
                lost = _StoredDeal()
                lost.__dict__.update(vars(deal), loss_reason=command.loss_reason)
                deal = lost
            opportunity = cast(Opportunity, deal)
            try:
                override = requested_override(uow, opportunity, command)
            except CommandRefused as refused:
                checks.append(GateCheck(opportunity.id, command.to_stage, None, refused))
                continue
            decision = gate.check(
                opportunity,
                command.to_stage,
                related=facts.related(opportunity),
                derived=facts.derived(opportunity, at),
                override=override,
            )
            checks.append(GateCheck(opportunity.id, command.to_stage, decision))
    return checks


class _Facts:
    """The related-record counts and derived fields the gates read, per deal, read for
    every deal at once and worked out once per deal (``days_in_stage`` per move)."""

    def __init__(
        self,
        connection: Connection,
        system: RevenueSystem,
        deals: Mapping[str, _StoredDeal],
        reads: _GateReads,
    ) -> None:
        ids = list(deals)
        related, derived = reads.related, reads.derived
        self.reads = reads
        self.contacts: dict[str, tuple[int, int]] = {}
        if related & _CONTACT_FACTS:
            accounts = [vars(d)["account_id"] for d in deals.values()]
            self.contacts = _contacts(connection, accounts, system)
        self.quotes: dict[str, list[Mapping[str, Any]]] = {}
        self.lines: dict[str, tuple[int, int | None]] = {}
        if related & _QUOTE_FACTS or derived & _QUOTE_FIELDS:
            self.quotes = _live_quotes(connection, ids)
            if "line_items" in related or "term_months" in derived:
                self.lines = _lines(connection, [q[-1]["id"] for q in self.quotes.values()])
        self.orders: dict[str, int] = {}
        if "signed_order_form" in related:
            self.orders = _counted(connection, t.orders.c.opportunity_id, ids)
        self._related: dict[str, dict[str, int]] = {}
        self._derived: dict[str, dict[str, Any]] = {}

    def related(self, deal: Opportunity) -> dict[str, int]:
        """The counts the gates read (a kind they do not read is left out: it counts 0,
        and ``primary_contact`` is the gate's own default, ``primary_contact_id``)."""
        found = self._related.get(deal.id)
        if found is None:
            kinds = self.reads.related
            found = {}
            if kinds & _CONTACT_FACTS:
                contacts, buyers = self.contacts.get(deal.account_id or "", (0, 0))
                found["contact_roles"] = contacts
                found["economic_buyer_contact"] = buyers
            if kinds & _QUOTE_FACTS:
                live = self.quotes.get(deal.id, [])
                found["quote"] = len(live)
                found["approved_quote"] = sum(1 for q in live if q["status"] in _APPROVED_QUOTES)
                found["line_items"] = self._lines_of(live)[0]
            if "signed_order_form" in kinds:
                found["signed_order_form"] = self.orders.get(deal.id, 0)
            self._related[deal.id] = found
        return found

    def derived(self, deal: Opportunity, at: datetime) -> dict[str, Any]:
        """The derived fields the gates read, as ``deal_derived_fields`` derives them."""
        wanted = self.reads.derived
        if not wanted:
            return {}
        found = self._derived.get(deal.id)
        if found is None:
            live = self.quotes.get(deal.id, [])
            primary = live[-1] if live else None
            found = {
                "discount_percent": primary["max_discount_pct"] if primary else None,
                "term_months": self._lines_of(live)[1] if "term_months" in wanted else None,
                "quote_id": primary["id"] if primary else None,
            }
            self._derived[deal.id] = found
        if "days_in_stage" not in wanted:
            return found
        entered = deal.stage_entered_at or deal.created_at
        days = (as_utc(at) - as_utc(entered)).total_seconds() / 86_400
        return {**found, "days_in_stage": days}

    def _lines_of(self, live: Sequence[Mapping[str, Any]]) -> tuple[int, int | None]:
        """The primary (latest live) quote's line count and longest term."""
        return self.lines.get(live[-1]["id"], (0, None)) if live else (0, None)


def _deals(
    connection: Connection, ids: list[str], columns: Collection[str]
) -> dict[str, _StoredDeal]:
    found: dict[str, _StoredDeal] = {}
    table = t.opportunities
    selected = [table.c[name] for name in columns]
    for chunk in _chunks(ids, _CHUNK):
        result = connection.execute(sa.select(*selected).where(table.c.id.in_(chunk)))
        keys = list(result.keys())
        for row in result:
            deal = _StoredDeal()
            deal.__dict__.update(zip(keys, row, strict=True))
            found[row[0]] = deal
    return found


def _contacts(
    connection: Connection, account_ids: Iterable[str | None], system: RevenueSystem
) -> dict[str, tuple[int, int]]:
    """Per account: its contacts (not merged away) and those who are economic buyers."""
    table = t.contacts
    # Who counts as an economic buyer, as deal_facts.gate_facts counts them.
    personas = system.spec.icp.personas if system.spec.icp else []
    buyers = sorted({"economic_buyer"} | {p.id for p in personas if p.role == "economic_buyer"})
    is_buyer = sa.case((table.c.persona.in_(buyers), 1), else_=0)
    found: dict[str, tuple[int, int]] = {}
    wanted = sorted({a for a in account_ids if a})
    for chunk in _chunks(wanted, _CHUNK):
        query = (
            sa.select(table.c.account_id, sa.func.count(), sa.func.sum(is_buyer))
            .where(table.c.account_id.in_(chunk), table.c.merged_into_id.is_(None))
            .group_by(table.c.account_id)
        )
        for account_id, count, buyer_count in connection.execute(query):
            found[account_id] = (int(count), int(buyer_count or 0))
    return found


def _live_quotes(connection: Connection, ids: list[str]) -> dict[str, list[Mapping[str, Any]]]:
    """Per deal: its quotes that are not rejected or expired, oldest first (as listed)."""
    table = t.quotes
    found: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for chunk in _chunks(ids, _CHUNK):
        query = (
            sa.select(
                table.c.id,
                table.c.opportunity_id,
                table.c.status,
                table.c.max_discount_pct,
                table.c.created_at,
            )
            .where(table.c.opportunity_id.in_(chunk), table.c.status.not_in(_DEAD_QUOTES))
            .order_by(table.c.created_at, table.c.id)
        )
        for row in connection.execute(query).mappings().all():
            found[row["opportunity_id"]].append(dict(row))
    return found


def _lines(connection: Connection, quote_ids: list[str]) -> dict[str, tuple[int, int | None]]:
    """Per quote: how many lines, and the longest term among them."""
    table = t.quote_lines
    found: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks(quote_ids, _CHUNK):
        query = (
            sa.select(table.c.quote_id, sa.func.count(), sa.func.max(table.c.term_months))
            .where(table.c.quote_id.in_(chunk))
            .group_by(table.c.quote_id)
        )
        for quote_id, count, longest in connection.execute(query):
            found[quote_id] = (int(count), longest)
    return found


def _counted(connection: Connection, column: sa.Column[Any], ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(ids, _CHUNK):
        query = sa.select(column, sa.func.count()).where(column.in_(chunk)).group_by(column)
        found.update((key, int(count)) for key, count in connection.execute(query))
    return found


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
