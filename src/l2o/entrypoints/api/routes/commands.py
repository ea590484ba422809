"""Commands: each endpoint calls the revenue service that applies the architecture's rule.

A refusal (a gate's missing exit criteria, a self-approval, a hard discount limit) comes
back as problem+json naming the rule and every reason. The token's user is the one acting:
what the audit log records and what the engine checks (no one approves their own quote).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request

from l2o import domain as d
from l2o.entrypoints.api.answers import (
    AccountHealthAnswer,
    ApprovalDecisionAnswer,
    AssignmentAnswer,
    LeadOutcomeAnswer,
    QuoteAnswer,
    QuoteSubmissionAnswer,
    RoutingAnswer,
    StageMoveAnswer,
)
from l2o.entrypoints.api.deps import ApiContext, Context, CurrentPrincipal, Scope, requires
from l2o.entrypoints.api.guards import KEY_HOLD
from l2o.entrypoints.api.problems import PROBLEM_RESPONSES
from l2o.entrypoints.api.schemas import (
    AddLeadBody,
    AdvanceBody,
    ApproveBody,
    DiscountBody,
    RejectBody,
    RouteBody,
    SubmitBody,
    TouchBody,
    UsageBody,
)
from l2o.services.access import Principal
from l2o.services.access_ingress import record_usage
from l2o.services.access_records import get_record, record_data
from l2o.services.deals import advance_opportunity
from l2o.services.leads import assignments_of, log_touchpoint, route_lead
from l2o.services.quotes import approve_quote, change_quote_discount, reject_quote, submit_quote

__all__ = ["IdempotencyKey", "router"]

router = APIRouter(responses=PROBLEM_RESPONSES)

RecordId = Annotated[str, Path(min_length=1, max_length=64, description="The record's id.")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Send the same key again to get the same response without a second run.",
    ),
]


# The busiest route first: a request is matched against the routes in order.
@router.post(
    "/leads",
    tags=["leads"],
    status_code=201,
    response_model=LeadOutcomeAnswer,
)
async def create_lead(
    body: AddLeadBody,
    request: Request,
    principal: Annotated[Principal, requires("lead:write")],
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Add a lead: scored, staged and routed by the spec, with why this owner."""
    # The busiest route solves few dependencies: the permission check (which signs the
    # caller in) and the context from the app, not one dependency each.
    ctx: ApiContext = request.app.state.l2o
    fields = body.model_dump(exclude={"at"})
    if fields["country"]:
        fields["country"] = fields["country"].upper()
    system = await ctx.system_ready()
    # The clock is read now, as the request arrives, not when its group is stored.
    command = d.AddLead(at=system.now(body.at), requested_by=principal.user_id, **fields)
    # A keyed request's key is claimed in the lead's own group (see guards).
    outcome = await ctx.leads.add(command, getattr(request.state, KEY_HOLD, None))
    return outcome.to_json()


@router.post(
    "/opportunities/{record_id}/advance",
    tags=["opportunities"],
    response_model=StageMoveAnswer,
    dependencies=[requires("deal:advance")],
)
def advance(
    record_id: RecordId,
    body: AdvanceBody,
    ctx: Context,
    scope: Scope,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Move a deal through its stage gate; a refusal lists every missing exit criterion."""
    get_record(ctx.engine, "opportunity", record_id, scope)
    system = ctx.system()
    move = advance_opportunity(
        system,
        d.ChangeOpportunityStage(
            opportunity_id=record_id,
            to_stage=body.to_stage,
            at=system.now(body.at),
            override_role=body.override_role,
            override_reason=body.override_reason,
            loss_reason=body.loss_reason,
            requested_by=principal.user_id,
        ),
    )
    return move.to_json()


@router.post(
    "/quotes/{record_id}/submit",
    tags=["quotes"],
    response_model=QuoteSubmissionAnswer,
    dependencies=[requires("quote:write")],
)
def submit(
    record_id: RecordId,
    body: SubmitBody,
    ctx: Context,
    scope: Scope,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Submit a quote: its approval chain becomes pending approvals (hard limits refuse)."""
    get_record(ctx.engine, "quote", record_id, scope)
    system = ctx.system()
    terms = tuple(body.non_standard_terms) if body.non_standard_terms is not None else None
    done = submit_quote(
        system,
        d.SubmitQuote(
            quote_id=record_id,
            at=system.now(body.at),
            non_standard_terms=terms,
            requested_by=principal.user_id,
        ),
    )
    return done.to_json()


@router.post(
    "/quotes/{record_id}/discount",
    tags=["quotes"],
    response_model=QuoteAnswer,
    response_model_exclude_unset=True,
    dependencies=[requires("quote:write")],
)
def change_discount(
    record_id: RecordId,
    body: DiscountBody,
    ctx: Context,
    scope: Scope,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Change one line's discount; the roles whose approval it now exceeds must approve again."""
    get_record(ctx.engine, "quote", record_id, scope)
    system = ctx.system()
    quote = change_quote_discount(
        system,
        d.ChangeQuoteDiscount(
            quote_id=record_id,
            line_id=body.line_id,
            discount_pct=body.discount_pct,
            at=system.now(body.at),
            requested_by=principal.user_id,
        ),
    )
    return record_data(quote)


@router.post(
    "/quotes/{record_id}/approve",
    tags=["approvals"],
    response_model=ApprovalDecisionAnswer,
    dependencies=[requires("approval:decide")],
)
def approve(
    record_id: RecordId,
    body: ApproveBody,
    ctx: Context,
    scope: Scope,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Approve the quote's next step as yourself (refused for your own quote or a role you lack)."""
    get_record(ctx.engine, "quote", record_id, scope)
    system = ctx.system()
    done = approve_quote(
        system,
        d.ApproveQuote(
            quote_id=record_id,
            at=system.now(body.at),
            note=body.note,
            approval_id=body.approval_id,
            requested_by=principal.user_id,
        ),
    )
    return done.to_json()


@router.post(
    "/quotes/{record_id}/reject",
    tags=["approvals"],
    response_model=ApprovalDecisionAnswer,
    dependencies=[requires("approval:decide")],
)
def reject(
    record_id: RecordId,
    body: RejectBody,
    ctx: Context,
    scope: Scope,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Reject the quote's next step as yourself, saying why."""
    get_record(ctx.engine, "quote", record_id, scope)
    system = ctx.system()
    done = reject_quote(
        system,
        d.RejectQuote(
            quote_id=record_id,
            at=system.now(body.at),
            note=body.note,
            approval_id=body.approval_id,
            requested_by=principal.user_id,
        ),
    )
    return done.to_json()


@router.post(
    "/leads/{record_id}/touchpoints",
    tags=["leads"],
    response_model=LeadOutcomeAnswer,
    dependencies=[requires("lead:write")],
)
def touch_lead(
    record_id: RecordId,
    body: TouchBody,
    ctx: Context,
    scope: Scope,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Log a touchpoint: the lead is rescored and moves through the stages it reaches."""
    get_record(ctx.engine, "lead", record_id, scope)
    system = ctx.system()
    outcome = log_touchpoint(
        system,
        d.LogTouchpoint(
            lead_id=record_id,
            touch_type=body.touch_type,
            at=system.now(body.at),
            channel=body.channel,
            campaign_id=body.campaign_id,
            user_id=body.user_id,
            requested_by=principal.user_id,
        ),
    )
    return outcome.to_json()


@router.post(
    "/leads/{record_id}/route",
    tags=["leads"],
    response_model=RoutingAnswer,
    dependencies=[requires("lead:write")],
)
def route(
    record_id: RecordId,
    body: RouteBody,
    ctx: Context,
    scope: Scope,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Route (or re-route) a lead; the answer says why this owner and why not the others."""
    get_record(ctx.engine, "lead", record_id, scope)
    system = ctx.system()
    routed = route_lead(
        system,
        d.RouteLead(
            lead_id=record_id,
            at=system.now(body.at),
            exclude=tuple(body.exclude),
            requested_by=principal.user_id,
        ),
    )
    return routed.to_json()


@router.get(
    "/leads/{record_id}/assignments",
    tags=["leads"],
    response_model=list[AssignmentAnswer],
    dependencies=[requires("routing:read")],
)
def lead_assignments(record_id: RecordId, ctx: Context, scope: Scope) -> list[dict[str, Any]]:
    """The lead's routing log: every owner it was given, by which rule, and why."""
    get_record(ctx.engine, "lead", record_id, scope)
    return [record_data(a) for a in assignments_of(ctx.system(), record_id)]


@router.post(
    "/accounts/{record_id}/usage",
    tags=["accounts"],
    response_model=AccountHealthAnswer,
    dependencies=[requires("import:write")],
)
def add_usage(
    record_id: RecordId,
    body: UsageBody,
    ctx: Context,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, object]:
    """Record a usage reading for a customer; their health is scored again from it."""
    system = ctx.system()
    health = record_usage(
        system,
        record_id,
        metric=body.metric,
        quantity=body.quantity,
        occurred_at=body.occurred_at,
        licensed_seats=body.licensed_seats,
        contract_id=body.contract_id,
        actor=principal.user_id,
    )
    return health.to_json()
