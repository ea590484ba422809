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
queries (deals, contacts per account, live quotes, their lines, orders) instead of loading
each deal and its records one by one. Nothing is written: a check is a question, a move is
still :func:`~l2o.services.deals.advance_opportunity`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from l2o.domain import ChangeOpportunityStage, Opportunity, QuoteStatus, as_utc
from l2o.engine import GateDecision
from l2o.errors import RecordNotFound
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import requested_override
from l2o.services.errors import CommandRefused
from l2o.store import schema as t

__all__ = ["GateCheck", "check_gates"]

#: Ids per ``IN (...)`` query: well under every backend's limit on bound parameters.
_CHUNK = 2_000
_DEAD_QUOTES = (QuoteStatus.REJECTED, QuoteStatus.EXPIRED)
_APPROVED_QUOTES = frozenset({QuoteStatus.APPROVED, QuoteStatus.PRESENTED, QuoteStatus.ACCEPTED})
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
    refusal: CommandRefused | None

    @property
    def allowed(self) -> bool:
        """Whether the move would be made."""
        return self.refusal is None


class _StoredDeal:
    """A deal's stored fields, read-only, as the gate reads them (by name): the row as it
    is, without the cost of making an ``Opportunity`` the session would track."""

    id: str
    pipeline: str
    account_id: str | None
    primary_contact_id: str | None
    stage_entered_at: datetime | None
    created_at: datetime

    def __init__(self, values: Mapping[Any, Any]) -> None:
        self.__dict__.update(values)
        self.stage_history: list[Any] = []


def check_gates(
    system: RevenueSystem, commands: Sequence[ChangeOpportunityStage]
) -> list[GateCheck]:
    """Check every requested move's gate, as moving the deal would; nothing is written.

    Raises ``RecordNotFound`` for an unknown deal, as a move does.
    """
    with system.unit_of_work() as uow:
        connection = uow.session.connection()
        ids = list(dict.fromkeys(c.opportunity_id for c in commands))
        deals = _deals(connection, ids)
        for deal_id in ids:
            if deal_id not in deals:
                raise RecordNotFound("Opportunity", deal_id)
        contacts = _contacts(connection, [d.account_id for d in deals.values()], system)
        quotes = _live_quotes(connection, ids)
        lines = _lines(connection, [q[-1]["id"] for q in quotes.values()])
        orders = _counted(connection, t.orders.c.opportunity_id, ids)
        checks: list[GateCheck] = []
        for command in commands:
            deal = deals[command.opportunity_id]
            at = system.now(command.at)
            gate = system.rules.gates.for_pipeline(deal.pipeline)
            target = gate.stages.get(command.to_stage)
            if target is not None and target.outcome == "lost" and command.loss_reason:
                deal = _StoredDeal({**vars(deal), "loss_reason": command.loss_reason})
            opportunity = cast(Opportunity, deal)
            try:
                override = requested_override(uow, opportunity, command)
            except CommandRefused as refused:
                checks.append(GateCheck(deal.id, command.to_stage, None, refused))
                continue
            live = quotes.get(deal.id, [])
            primary = live[-1] if live else None
            in_primary = lines.get(primary["id"], (0, None)) if primary else (0, None)
            counted_contacts, buyers = contacts.get(deal.account_id or "", (0, 0))
            related = {
                "primary_contact": 1 if deal.primary_contact_id else 0,
                "contact_roles": counted_contacts,
                "economic_buyer_contact": buyers,
                "quote": len(live),
                "line_items": in_primary[0],
                "approved_quote": sum(1 for q in live if q["status"] in _APPROVED_QUOTES),
                "signed_order_form": orders.get(deal.id, 0),
                "mutual_action_plan": 0,
            }
            entered = deal.stage_entered_at or deal.created_at
            derived = {
                "days_in_stage": (as_utc(at) - as_utc(entered)).total_seconds() / 86_400,
                "discount_percent": primary["max_discount_pct"] if primary else None,
                "term_months": in_primary[1],
                "quote_id": primary["id"] if primary else None,
            }
            decision = gate.check(
                opportunity, command.to_stage, related=related, derived=derived, override=override
            )
            refusal = None
            if not decision.allowed:
                rule = decision.reasons[0].rule if decision.reasons else "gate"
                refusal = CommandRefused("Opportunity", deal.id, rule, decision.reasons)
            checks.append(GateCheck(deal.id, command.to_stage, decision, refusal))
    return checks


def _deals(connection: Connection, ids: list[str]) -> dict[str, _StoredDeal]:
    found: dict[str, _StoredDeal] = {}
    table = t.opportunities
    for chunk in _chunks(ids, _CHUNK):
        query = sa.select(table).where(table.c.id.in_(chunk))
        for row in connection.execute(query).mappings().all():
            found[row["id"]] = _StoredDeal(row)
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
