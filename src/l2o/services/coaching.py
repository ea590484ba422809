"""Deal coaching over the store: each open deal's next best actions.

For every open deal (or one), the engine's stage gate is asked what the deal lacks to move
to its next stage - the same check a real move makes, with the related records counted from
the store - and how long it has sat in its stage against the spec's limit. Its win outlook
comes from :class:`~l2o.analytics.coaching.WinDrivers`, fitted on the store's closed deals'
stage visits (read set-based, one query). When the engine holds a learned deal-win model the
AI-readiness gate switched on, the deal's win probability is that model's (scored from what
was known when the deal was opened, with the features that moved it in the basis); the stage
drivers still give the actions. With the model off, the basis says why. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa

from l2o.analytics.coaching import (
    DealCoaching,
    DealState,
    GateGap,
    StageVisits,
    StallState,
    WinDrivers,
    WinOutlook,
    coach_deal,
)
from l2o.domain import Opportunity
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deal_facts import deal_derived_fields, deal_win_probability, gate_facts
from l2o.store import schema as t
from l2o.store.unit_of_work import SqlAlchemyUnitOfWork

__all__ = ["coach_deals", "read_stage_visits"]

_CLOSED = frozenset({"closed_won", "closed_lost"})


def coach_deals(
    system: RevenueSystem, *, deal_id: str | None = None, now: datetime | None = None
) -> list[DealCoaching]:
    """Coaching for every open deal (or only ``deal_id``), most actions first."""
    at = system.now(now)
    closed = {
        stage.id
        for gate in system.rules.gates.gates.values()
        for stage in gate.pipeline.stages
        if stage.outcome != "open"
    }
    drivers = WinDrivers().fit(read_stage_visits(system.engine, closed or _CLOSED))
    out: list[DealCoaching] = []
    with system.unit_of_work() as uow:
        deals: Iterable[Opportunity] = (
            [uow.opportunities.get(deal_id)]
            if deal_id is not None
            else uow.opportunities.list(is_closed=False)
        )
        for deal in deals:
            if deal.is_closed or deal.pipeline not in system.rules.gates.gates:
                continue
            out.append(_coach(uow, system, deal, drivers, at))
    out.sort(key=lambda c: (-len(c.actions), c.deal.opportunity_id))
    return out


def _coach(
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    deal: Opportunity,
    drivers: WinDrivers,
    at: datetime,
) -> DealCoaching:
    gate = system.rules.gates.for_pipeline(deal.pipeline)
    ladder = [s for s in gate.ladder if gate.stages[s].outcome == "open"]
    here = ladder.index(deal.stage) if deal.stage in ladder else None
    next_stage = ladder[here + 1] if here is not None and here + 1 < len(ladder) else None
    if next_stage is None and here is not None:
        won = [s for s in gate.ladder if gate.stages[s].outcome == "won"]
        next_stage = won[0] if won else None
    gaps: tuple[GateGap, ...] = ()
    derived = deal_derived_fields(uow, deal, at)
    if next_stage is not None:
        decision = gate.check(
            deal, next_stage, related=gate_facts(uow, deal, system.spec), derived=derived
        )
        gaps = tuple(GateGap(m.stage, m.kind, m.criterion, m.detail) for m in decision.missing)
    check = gate.stall(deal, at)
    stall = StallState(
        check.stage, check.days_in_stage, check.limit, check.stalled, check.reason.text
    )
    account = uow.accounts.get(deal.account_id) if deal.account_id else None
    attributes = {
        "segment": account.segment if account is not None else None,
        "lead_source": deal.lead_source,
    }
    outlook = _learned_outlook(
        uow, system, deal, drivers.explain(deal.stage, check.days_in_stage, attributes)
    )
    state = DealState(
        deal.id,
        deal.name,
        deal.owner_id,
        deal.pipeline,
        deal.stage,
        next_stage,
        float(deal.amount) if deal.amount is not None else None,
    )
    return coach_deal(state, gaps, stall, outlook)


def _learned_outlook(
    uow: SqlAlchemyUnitOfWork, system: RevenueSystem, deal: Opportunity, outlook: WinOutlook
) -> WinOutlook:
    """The stage-rate outlook, its probability replaced by the learned deal-win model's when
    the gate switched it on; with the model off, its basis says why."""
    scoring = system.rules.deal_win
    if scoring is None:
        return outlook
    learned = deal_win_probability(uow, system.rules, deal)
    if learned is None:
        why = "; ".join(scoring.why)
        return replace(outlook, basis=f"{outlook.basis} (learned deal-win model off: {why})")
    moved = ", ".join(r.text for r in learned.reasons) or "no feature moved it"
    return replace(
        outlook,
        probability=learned.probability,
        basis=f"learned deal-win model (switched on by the AI-readiness gate), scored from "
        f"what was known when the deal was opened: {moved}",
    )


def read_stage_visits(
    engine: sa.engine.Engine, closed_stages: Iterable[str] = _CLOSED
) -> StageVisits:
    """Closed deals' stage visits: each stage change of a closed deal into an open stage
    (not one of ``closed_stages``),
    the days until the deal's next change (or its close), whether it was won, and the
    deal's segment and lead source."""
    o, sc, a = t.opportunities, t.stage_changes, t.accounts
    query = (
        sa.select(
            sc.c.opportunity_id,
            sc.c.to_stage,
            sc.c.changed_at,
            o.c.closed_at,
            o.c.is_won,
            a.c.segment,
            o.c.lead_source,
        )
        .join(o, o.c.id == sc.c.opportunity_id)
        .outerjoin(a, a.c.id == o.c.account_id)
        .where(o.c.is_closed.is_(True))
        .order_by(sc.c.opportunity_id, sc.c.changed_at)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        empty = np.zeros(0, dtype=object)
        return StageVisits(empty, np.zeros(0), np.zeros(0, dtype=bool))
    deal = np.array([r[0] for r in rows], dtype=object)
    stage = np.array([r[1] for r in rows], dtype=object)
    at = np.array([_seconds(r[2]) for r in rows])
    closed = np.array([_seconds(r[3]) for r in rows])
    same_next = np.r_[deal[1:] == deal[:-1], False]
    leave = np.where(same_next, np.r_[at[1:], 0.0], closed)
    days = (leave - at) / 86_400.0
    keep = ~np.isin(stage, list(closed_stages)) & ~np.isnan(days)
    return StageVisits(
        stage=stage[keep],
        days_in_stage=days[keep],
        won=np.array([bool(r[4]) for r in rows])[keep],
        attributes={
            "segment": np.array([r[5] for r in rows], dtype=object)[keep],
            "lead_source": np.array([r[6] for r in rows], dtype=object)[keep],
        },
    )


def _seconds(value: datetime | None) -> float:
    if value is None:
        return float("nan")
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
