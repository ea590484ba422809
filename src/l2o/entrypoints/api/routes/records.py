"""Read and update records in the caller's scope: accounts, contacts, leads, opportunities
(with their stage history), quotes, approvals, orders, contracts, tasks and users."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from l2o import domain
from l2o.entrypoints.api.deps import (
    Context,
    CurrentPrincipal,
    PageLimit,
    PageOffset,
    Scope,
    requires,
)
from l2o.entrypoints.api.problems import PROBLEM_RESPONSES
from l2o.entrypoints.api.schemas import (
    AccountUpdate,
    ContactUpdate,
    LeadUpdate,
    Me,
    OpportunityUpdate,
    QuoteUpdate,
    RecordList,
    TaskUpdate,
)
from l2o.services.access_records import (
    get_record,
    list_records,
    record_data,
    stage_history,
    update_record,
)

__all__ = ["router"]

router = APIRouter(responses=PROBLEM_RESPONSES)

RecordId = Annotated[str, Path(min_length=1, max_length=64, description="The record's id.")]

# URL segment -> (record type, read permission, update body or None, write permission)
_RESOURCES: dict[str, tuple[str, str, type[BaseModel] | None, str]] = {
    "accounts": ("account", "pipeline:read", AccountUpdate, "deal:write"),
    "contacts": ("contact", "pipeline:read", ContactUpdate, "deal:write"),
    "leads": ("lead", "lead:read", LeadUpdate, "lead:write"),
    "opportunities": ("opportunity", "pipeline:read", OpportunityUpdate, "deal:write"),
    "quotes": ("quote", "pipeline:read", QuoteUpdate, "quote:write"),
    "approvals": ("approval", "pipeline:read", None, ""),
    "orders": ("order", "pipeline:read", None, ""),
    "contracts": ("contract", "pipeline:read", None, ""),
    "tasks": ("task", "pipeline:read", TaskUpdate, "deal:write"),
    "users": ("user", "pipeline:read", None, ""),
}

# Filters a list accepts, per resource (equality on the record's own fields).
_FILTERS: dict[str, tuple[str, ...]] = {
    "accounts": ("owner_id",),
    "contacts": ("account_id",),
    "leads": ("owner_id", "status"),
    "opportunities": ("owner_id", "account_id", "stage", "pipeline"),
    "quotes": ("opportunity_id", "status"),
    "approvals": ("quote_id", "status", "approver_role"),
    "orders": ("account_id",),
    "contracts": ("account_id",),
    "tasks": ("owner_id", "related_id"),
    "users": ("team", "manager_id"),
}


def _add_resource(segment: str) -> None:
    record_type, read, update_body, write = _RESOURCES[segment]
    label = segment.replace("_", " ")
    allowed_filters = _FILTERS[segment]

    def list_(
        ctx: Context,
        scope: Scope,
        limit: PageLimit,
        offset: PageOffset = 0,
        **filters: str | None,
    ) -> RecordList:
        given = {k: v for k, v in filters.items() if v is not None and k in allowed_filters}
        page = list_records(
            ctx.engine, record_type, scope, limit=limit, offset=offset, filters=given
        )
        return RecordList(
            items=[record_data(r) for r in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )

    # Each resource documents (and accepts) exactly its own filters as query parameters.
    signature = inspect.signature(list_)
    fixed = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    list_.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            *fixed,
            *(
                inspect.Parameter(
                    name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=None,
                    annotation=Annotated[str | None, Query(max_length=100)],
                )
                for name in allowed_filters
            ),
        ]
    )
    list_.__doc__ = f"List {label} in your scope, oldest first (paged; ``limit`` is capped)."
    router.add_api_route(
        f"/{segment}",
        list_,
        methods=["GET"],
        response_model=RecordList,
        dependencies=[requires(read)],
        tags=[segment],
        operation_id=f"list_{segment}",
        summary=f"List {label}",
    )

    def get(record_id: RecordId, ctx: Context, scope: Scope) -> dict[str, Any]:
        record = get_record(ctx.engine, record_type, record_id, scope)
        data = record_data(record)
        if record_type == "opportunity":
            data["stage_history"] = [
                record_data(c) for c in stage_history(ctx.engine, record_id, scope)
            ]
        return data

    get.__doc__ = f"One of the {label} by id (404 when it is not in your scope)."
    router.add_api_route(
        f"/{segment}/{{record_id}}",
        get,
        methods=["GET"],
        dependencies=[requires(read)],
        tags=[segment],
        operation_id=f"get_{record_type}",
        summary=f"Get one of the {label}",
    )
    if update_body is None:
        return

    def update(
        record_id: RecordId,
        body: Any,
        ctx: Context,
        scope: Scope,
        principal: CurrentPrincipal,
    ) -> dict[str, Any]:
        changes = body.model_dump(exclude_unset=True)
        changes.update(body.model_extra or {})
        if record_type == "task" and changes.get("status") is not None:
            changes["status"] = domain.TaskStatus(changes["status"])
        record = update_record(
            ctx.engine, record_type, record_id, changes, scope, actor=principal.user_id
        )
        return record_data(record)

    # The body model differs per resource; annotations are strings under __future__.
    update.__annotations__["body"] = update_body
    update.__doc__ = (
        f"Change fields of one of the {label}. Guarded fields (owner, stage, discounts, "
        "computed scores) are refused with the rule and the command that changes them."
    )
    router.add_api_route(
        f"/{segment}/{{record_id}}",
        update,
        methods=["PATCH"],
        dependencies=[requires(read), requires(write)],
        tags=[segment],
        operation_id=f"update_{record_type}",
        summary=f"Update one of the {label}",
    )


for _segment in _RESOURCES:
    _add_resource(_segment)


@router.get(
    "/opportunities/{record_id}/stage-history",
    tags=["opportunities"],
    dependencies=[requires("pipeline:read")],
)
def get_stage_history(record_id: RecordId, ctx: Context, scope: Scope) -> list[dict[str, Any]]:
    """The deal's stage moves, oldest first: who, when, criteria met or overridden and why."""
    return [record_data(c) for c in stage_history(ctx.engine, record_id, scope)]


@router.get("/me", tags=["users"])
def me(principal: CurrentPrincipal) -> Me:
    """Who the token belongs to: user id, name, access role and team."""
    return Me(
        user_id=principal.user_id,
        name=principal.name,
        access_role=principal.access_role,
        team=principal.team,
    )
