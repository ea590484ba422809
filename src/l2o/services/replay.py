"""Replay a company's history through the spec: what would this architecture have done?

::

    report = replay_history(system)          # the store's history, read only
    report.to_json()["stage_moves"]          # {"seen": 412, "refused": 97, "changed": 12, ...}

Three kinds of decision are replayed, each in the order it happened:

- **stage moves** - every recorded ``StageChange`` out of a stage, checked by the deal's
  gate with the related records that existed at that moment (contacts, quotes, orders; the
  deal's fields as they are now, since field history before a move is not kept).
  ``refused``: the gate refuses it and no override was recorded; ``changed``: the gate
  refuses it and the history shows an override - the spec turns it into an audited
  override by a permitted role.
- **discounts** - every quote with a discount, through the approval chain with the
  approvals it had when it was ordered (else last decided). ``refused``: a hard limit
  (maximum discount, price floor, no band) no approval lifts; ``changed``: it lacked
  approvals the spec requires (a missing or different role, a lapsed approval, a
  self-approval, a discount deeper than approved).
- **assignments** - every routed lead, through the routing rules with the pools' state
  built up from the leads before it. ``refused``: no rule could assign it (a person
  would have had to); ``changed``: the spec picks another owner.

Nothing is written. ``reasons`` counts the rules behind refusals and changes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from l2o.domain import Approval, Lead, Opportunity, Quote, User, as_utc
from l2o.engine import EngineError, PoolState
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deal_facts import gate_facts, primary_quote
from l2o.services.leads import matched_account
from l2o.services.users import find_user
from l2o.store import SqlAlchemyUnitOfWork

__all__ = ["ReplayCounts", "ReplayReport", "replay_history"]


@dataclass
class ReplayCounts:
    """Decisions of one kind: how many were seen, refused and changed, and why."""

    seen: int = 0
    refused: int = 0
    changed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The counts as JSON data, with the ten most common rules."""
        return {
            "seen": self.seen,
            "refused": self.refused,
            "changed": self.changed,
            "reasons": dict(self.reasons.most_common(10)),
            "notes": list(self.notes),
        }


@dataclass
class ReplayReport:
    """What the spec would have refused or changed in the stored history."""

    stage_moves: ReplayCounts
    discounts: ReplayCounts
    assignments: ReplayCounts

    def to_json(self) -> dict[str, object]:
        """``{"stage_moves": {...}, "discounts": {...}, "assignments": {...}}``."""
        return {
            "stage_moves": self.stage_moves.to_json(),
            "discounts": self.discounts.to_json(),
            "assignments": self.assignments.to_json(),
        }


def replay_history(system: RevenueSystem) -> ReplayReport:
    """Replay the store's stage moves, discounts and assignments through the spec."""
    with system.unit_of_work() as uow:
        return ReplayReport(
            _stage_moves(uow, system), _discounts(uow, system), _assignments(uow, system)
        )


def _stage_moves(uow: SqlAlchemyUnitOfWork, system: RevenueSystem) -> ReplayCounts:
    counts = ReplayCounts()
    gates = system.rules.gates
    if not gates.gates:
        counts.notes.append("the spec has no pipelines: stage moves are not governed")
    for deal in uow.opportunities.list():
        history = sorted(deal.stage_history, key=lambda c: (c.changed_at, c.id))
        entered = deal.created_at
        for change in history:
            if change.from_stage is None or change.from_stage == change.to_stage:
                entered = change.changed_at
                continue
            counts.seen += 1
            if not gates.gates:
                continue
            gate = gates.gates.get(deal.pipeline)
            if gate is None:
                counts.refused += 1
                counts.reasons["gate.unknown_pipeline"] += 1
                continue
            snapshot = _as_it_was(deal, change.from_stage, change.amount, change.close_date)
            snapshot.stage_entered_at = entered
            at = as_utc(change.changed_at)
            quote = primary_quote(uow, deal, at)
            derived = {
                "days_in_stage": (at - as_utc(entered)).total_seconds() / 86_400,
                "discount_percent": quote.max_discount_pct if quote else None,
                "term_months": max((ln.term_months for ln in quote.lines), default=None)
                if quote
                else None,
                "quote_id": quote.id if quote else None,
            }
            try:
                decision = gate.check(
                    snapshot,
                    change.to_stage,
                    related=gate_facts(uow, deal, system.spec, as_of=at),
                    derived=derived,
                )
            except EngineError as exc:
                counts.refused += 1
                counts.reasons[f"engine: {exc}"] += 1
                continue
            entered = change.changed_at
            if decision.allowed:
                continue
            rule = decision.reasons[0].rule if decision.reasons else "gate"
            if change.override_reason:
                counts.changed += 1
                counts.reasons[f"{rule} (overridden)"] += 1
            else:
                counts.refused += 1
                counts.reasons[rule] += 1
    return counts


def _discounts(uow: SqlAlchemyUnitOfWork, system: RevenueSystem) -> ReplayCounts:
    counts = ReplayCounts()
    policy = system.rules.pricing
    if not policy.bands and policy.max_discount is None and not policy.floors:
        counts.notes.append("the spec has no pricing governance: discounts are not governed")
    skus = {p.id: p.sku for p in uow.products.list()}
    for quote in uow.quotes.list():
        if not quote.lines or quote.max_discount_pct <= 0:
            continue
        counts.seen += 1
        approvals = uow.approvals.list(quote_id=quote.id)
        orders = uow.orders.list(quote_id=quote.id)
        decided = [a.decided_at for a in approvals if a.decided_at is not None]
        now = (
            min(o.ordered_at for o in orders) if orders else max(decided, default=quote.created_at)
        )
        chain = policy.chain(
            quote,
            approvals=approvals,
            now=now,
            requested_by=_quote_owner(uow, quote, approvals),
            non_standard_terms=quote.non_standard_terms,
            product_of=skus,
        )
        if chain.violations:
            counts.refused += 1
            counts.reasons.update({v.rule for v in chain.violations})
        elif chain.outstanding:
            counts.changed += 1
            counts.reasons.update({f"needs {s.role}" for s in chain.outstanding})
    return counts


def _assignments(uow: SqlAlchemyUnitOfWork, system: RevenueSystem) -> ReplayCounts:
    counts = ReplayCounts()
    router = system.rules.routing
    leads = [lead for lead in uow.leads.list() if lead.owner_id and lead.merged_into_id is None]
    leads.sort(key=lambda lead: (as_utc(lead.routed_at or lead.created_at), lead.id))
    counts.seen = len(leads)
    if not router.rules:
        counts.notes.append("the spec has no routing rules: assignments are not governed")
        return counts
    users: dict[str, User | None] = {}
    state = PoolState()
    for lead in leads:
        at = as_utc(lead.routed_at or lead.created_at)
        account = matched_account(uow, lead)
        decision = router.route(_unassigned(lead), account=account, state=state, at=at)
        state = decision.state
        if decision.owner_id is None:
            counts.refused += 1
            counts.reasons["routing.unassigned"] += 1
            continue
        if decision.owner_id not in users:
            users[decision.owner_id] = find_user(uow, decision.owner_id)
        chosen = users[decision.owner_id]
        if chosen is None or chosen.id != lead.owner_id:
            counts.changed += 1
            counts.reasons[f"routing.{decision.rule}"] += 1
    return counts


def _as_it_was(
    deal: Opportunity, stage: str, amount: Decimal | None, close_date: object
) -> Opportunity:
    return Opportunity(
        id=deal.id,
        name=deal.name,
        account_id=deal.account_id,
        owner_id=deal.owner_id,
        pipeline=deal.pipeline,
        stage=stage,
        amount=amount if amount is not None else deal.amount,
        currency=deal.currency,
        close_date=close_date or deal.close_date,  # type: ignore[arg-type]
        created_at=deal.created_at,
        loss_reason=deal.loss_reason,
        next_step=deal.next_step,
        primary_contact_id=deal.primary_contact_id,
        qualification=dict(deal.qualification),
        custom_fields=dict(deal.custom_fields),
        opportunity_type=deal.opportunity_type,
        forecast_category=deal.forecast_category,
    )


def _unassigned(lead: Lead) -> Lead:
    return Lead(
        id=lead.id,
        email=lead.email,
        company=lead.company,
        title=lead.title,
        country=lead.country,
        lead_source=lead.lead_source,
        channel=lead.channel,
        created_at=lead.created_at,
        fit_score=lead.fit_score,
        engagement_score=lead.engagement_score,
        custom_fields=dict(lead.custom_fields),
        converted_account_id=lead.converted_account_id,
    )


def _quote_owner(uow: SqlAlchemyUnitOfWork, quote: Quote, approvals: list[Approval]) -> str | None:
    if quote.owner_id:
        return quote.owner_id
    for approval in approvals:
        if approval.requested_by:
            return approval.requested_by
    deal = uow.opportunities.find(quote.opportunity_id) if quote.opportunity_id else None
    return deal.owner_id if deal else None
