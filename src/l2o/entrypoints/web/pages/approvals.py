"""The approvals queue: pending discount approvals, decided through
:mod:`l2o.services.quotes` (so the chain order, the approver's role and no self-approval
are the service's rules, the same as on every other path)."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from l2o import domain as d
from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.entrypoints.web.reading import pending_approvals, user_names
from l2o.errors import L2OError
from l2o.services.errors import CommandRefused
from l2o.services.quotes import approve_quote, reject_quote

__all__ = ["register"]


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The approval pages on ``router``."""
    approver = Annotated[Viewer, Depends(dashboard.require("approval:decide"))]

    @router.get("/approvals", response_class=HTMLResponse)
    def approvals_queue(request: Request, viewer: approver) -> HTMLResponse:
        """Pending approval requests, oldest first."""
        return dashboard.page(
            request,
            "approvals.html",
            viewer,
            {
                "pending": pending_approvals(dashboard.engine, viewer.owners),
                "names": user_names(dashboard.engine),
            },
        )

    @router.post("/approvals/{approval_id}/decide", response_class=HTMLResponse)
    def decide_approval(
        request: Request,
        approval_id: str,
        viewer: approver,
        decision: Annotated[str, Form()],
        note: Annotated[str, Form()] = "",
    ) -> HTMLResponse:
        """Approve or reject one request as the signed-in person."""
        system = dashboard.system_or_503()
        rows = {p.approval.id: p for p in pending_approvals(dashboard.engine, viewer.owners)}
        pending = rows.get(approval_id)
        if pending is None:
            raise HTTPException(404, f"no pending approval {approval_id} in your scope")
        me = viewer.principal.user_id
        context: dict[str, object] = {"pending": pending, "decision": decision}
        status = 200
        try:
            if decision == "approve":
                approval = d.ApproveQuote(
                    quote_id=pending.quote.id,
                    approval_id=approval_id,
                    at=system.now(),
                    note=note.strip() or None,
                    requested_by=me,
                )
                context["outcome"] = approve_quote(system, approval)
            elif decision == "reject":
                if not note.strip():
                    raise CommandRefused(
                        "Approval", approval_id, "approval.reject.reason", ["say why you reject"]
                    )
                rejection = d.RejectQuote(
                    quote_id=pending.quote.id,
                    approval_id=approval_id,
                    at=system.now(),
                    note=note.strip(),
                    requested_by=me,
                )
                context["outcome"] = reject_quote(system, rejection)
            else:
                raise HTTPException(422, "decision must be approve or reject")
        except CommandRefused as refused:
            context["refusal"] = refused
            status = 409
        except L2OError as error:
            context["error"] = str(error)
            status = 409
        return dashboard.page(
            request, "fragments/approval_result.html", viewer, context, status_code=status
        )
