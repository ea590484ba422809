"""The pipeline board (each deal's gate to its next stage, with what is missing), a deal's
page, the move itself (through :func:`l2o.services.deals.advance_opportunity`, so a refusal
names every missing criterion) and the exception queue (stalled deals, overdue closes,
leads nobody owns)."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from l2o import domain as d
from l2o.engine import GateDecision, StallCheck
from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.entrypoints.web.formatting import label
from l2o.entrypoints.web.reading import find_deal, open_deals, scoped_leads, user_names
from l2o.errors import L2OError
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import advance_opportunity
from l2o.services.deals_batch import check_gates
from l2o.services.errors import CommandRefused
from l2o.store import SqlAlchemyUnitOfWork

__all__ = ["DealCard", "deal_cards", "register"]


@dataclass(frozen=True)
class DealCard:
    """One deal on the board: its next stage and what its gate says about the move."""

    deal: d.Opportunity
    next_stage: str | None
    decision: GateDecision | None
    stall: StallCheck | None

    @property
    def missing(self) -> list[str]:
        """What the gate to the next stage lacks, one line per criterion."""
        if self.decision is None:
            return []
        return [str(m) for m in self.decision.missing] + [r.text for r in self.decision.policy]

    @property
    def ready(self) -> bool:
        """Whether the deal could move to its next stage now."""
        return self.decision is not None and self.decision.allowed


def next_stage(system: RevenueSystem, deal: d.Opportunity) -> str | None:
    """The stage after the deal's current one on its pipeline (lost stages skipped)."""
    gate = system.rules.gates.gates.get(deal.pipeline)
    if gate is None or deal.stage not in gate.stages:
        return None
    ladder = [s.id for s in gate.pipeline.stages if s.outcome != "lost"]
    position = ladder.index(deal.stage) if deal.stage in ladder else -1
    return ladder[position + 1] if 0 <= position < len(ladder) - 1 else None


def deal_cards(system: RevenueSystem, deals: list[d.Opportunity], viewer: Viewer) -> list[DealCard]:
    """Each deal with its next stage's gate decision (nothing written) and stall check."""
    now = system.now()
    targets = {deal.id: next_stage(system, deal) for deal in deals}
    commands = [
        d.ChangeOpportunityStage(
            opportunity_id=deal.id,
            to_stage=target,
            at=now,
            requested_by=viewer.principal.user_id,
        )
        for deal in deals
        if (target := targets[deal.id]) is not None
    ]
    decisions = {c.opportunity_id: c.decision for c in check_gates(system, commands)}
    cards = []
    for deal in deals:
        gate = system.rules.gates.gates.get(deal.pipeline)
        stall = gate.stall(deal, now) if gate is not None and deal.stage in gate.stages else None
        cards.append(DealCard(deal, targets[deal.id], decisions.get(deal.id), stall))
    return cards


def _stage_columns(system: RevenueSystem, cards: list[DealCard]) -> list[dict[str, object]]:
    columns: list[dict[str, object]] = []
    for pipeline_id, gate in system.rules.gates.gates.items():
        for stage in gate.pipeline.stages:
            if stage.outcome != "open":
                continue
            here = [c for c in cards if c.deal.pipeline == pipeline_id and c.deal.stage == stage.id]
            columns.append(
                {
                    "pipeline": pipeline_id,
                    "stage": stage.id,
                    "title": stage.label or label(stage.id),
                    "cards": here,
                    "amount": sum(float(c.deal.amount or 0) for c in here),
                }
            )
    return columns


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The pipeline pages on ``router``."""
    reader = Annotated[Viewer, Depends(dashboard.require("pipeline:read"))]
    mover = Annotated[Viewer, Depends(dashboard.require("deal:advance"))]

    @router.get("/pipeline", response_class=HTMLResponse)
    def pipeline_board(request: Request, viewer: reader) -> HTMLResponse:
        """The pipeline board: deals by stage with their gate to the next stage."""
        system = dashboard.system_or_503()
        cards = deal_cards(system, open_deals(dashboard.engine, viewer.owners), viewer)
        return dashboard.page(
            request,
            "pipeline.html",
            viewer,
            {
                "columns": _stage_columns(system, cards),
                "names": user_names(dashboard.engine),
                "blocked": sum(1 for c in cards if c.decision is not None and not c.ready),
                "stalled": sum(1 for c in cards if c.stall is not None and c.stall.stalled),
                "count": len(cards),
            },
        )

    @router.get("/deals/{deal_id}", response_class=HTMLResponse)
    def deal_page(request: Request, deal_id: str, viewer: reader) -> HTMLResponse:
        """One deal: its gate, its stage history and its audit trail."""
        system = dashboard.system_or_503()
        deal = _visible_deal(dashboard, viewer, deal_id)
        card = deal_cards(system, [deal], viewer)[0] if not deal.is_closed else None
        gate = system.rules.gates.gates.get(deal.pipeline)
        stages = list(gate.pipeline.stages) if gate is not None else []
        with SqlAlchemyUnitOfWork(dashboard.engine) as uow:
            trail = uow.audit.for_record("Opportunity", deal.id)
            uow.session.expunge_all()
        return dashboard.page(
            request,
            "deal.html",
            viewer,
            {
                "deal": deal,
                "card": card,
                "stages": stages,
                "trail": list(reversed(trail))[:50],
                "names": user_names(dashboard.engine),
            },
        )

    @router.post("/deals/{deal_id}/advance", response_class=HTMLResponse)
    def advance_deal(
        request: Request,
        deal_id: str,
        viewer: mover,
        to_stage: Annotated[str, Form()],
    ) -> HTMLResponse:
        """Move the deal through its gate; a refusal lists every missing criterion."""
        system = dashboard.system_or_503()
        deal = _visible_deal(dashboard, viewer, deal_id)
        command = d.ChangeOpportunityStage(
            opportunity_id=deal.id,
            to_stage=to_stage,
            at=system.now(),
            requested_by=viewer.principal.user_id,
        )
        context: dict[str, object] = {"deal": deal, "to_stage": to_stage}
        status = 200
        try:
            context["move"] = advance_opportunity(system, command)
        except CommandRefused as refused:
            context["refusal"] = refused
            status = 409
        except L2OError as error:
            context["error"] = str(error)
            status = 409
        return dashboard.page(
            request, "fragments/move_result.html", viewer, context, status_code=status
        )

    @router.get("/exceptions", response_class=HTMLResponse)
    def exception_queue(request: Request, viewer: reader) -> HTMLResponse:
        """What needs a person: stalled deals, closes past due, leads nobody owns."""
        system = dashboard.system_or_503()
        now = system.now()
        deals = open_deals(dashboard.engine, viewer.owners)
        stalled = [(deal, check) for deal, check in system.rules.gates.stalled(deals, now)]
        overdue = [
            deal for deal in deals if deal.close_date is not None and deal.close_date < now.date()
        ]
        unowned = (
            [lead for lead in scoped_leads(dashboard.engine, None) if lead.owner_id is None]
            if viewer.owners is None and viewer.may("lead:read")
            else []
        )
        return dashboard.page(
            request,
            "exceptions.html",
            viewer,
            {
                "stalled": stalled,
                "overdue": overdue,
                "unowned": unowned,
                "names": user_names(dashboard.engine),
                "today": now.date(),
            },
        )


def _visible_deal(dashboard: Dashboard, viewer: Viewer, deal_id: str) -> d.Opportunity:
    deal = find_deal(dashboard.engine, deal_id)
    if deal is None:
        raise HTTPException(404, f"no deal {deal_id}")
    if not viewer.sees_owner(deal.owner_id):
        raise HTTPException(403, f"deal {deal_id} is outside your scope")
    return deal
