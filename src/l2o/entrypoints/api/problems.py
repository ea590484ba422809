"""Errors as ``application/problem+json`` (RFC 9457), each naming the rule that refused.

Every answer that is not a success carries ``type``, ``title``, ``status`` and ``detail``,
and, where there is one, ``rule`` (e.g. ``gate.discovery.exit``, ``permission.approval:decide``,
``scope``), the record (``record_type``, ``record_id``) and every ``reasons`` entry: a stage
gate's refusal lists each missing exit criterion there.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from l2o.errors import L2OError, RecordNotFound, SettingsError, SpecError, StaleRecord
from l2o.services.delivery_targets import TargetRefused
from l2o.services.errors import CommandRefused

__all__ = [
    "PROBLEM_RESPONSES",
    "Problem",
    "ProblemError",
    "install_problem_handlers",
    "problem_response",
]

MEDIA_TYPE = "application/problem+json"


class ProblemReason(BaseModel):
    """One reason of a refusal: the rule and what it says."""

    rule: str
    text: str


class Problem(BaseModel):
    """An RFC 9457 problem detail, with the rule that refused the request."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    rule: str | None = None
    record_type: str | None = None
    record_id: str | None = None
    reasons: list[ProblemReason] = []


class ProblemError(Exception):
    """Raised by the API layer to answer with a problem (permission, scope, limits...)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        rule: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.rule = rule
        self.headers = headers
        self.extra = extra


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    rule: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if rule:
        body["rule"] = rule
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


_DOCUMENTED = {
    400: "The request cannot be carried out as given",
    401: "No valid API token (Authorization: Bearer l2o_...)",
    403: "The token's role lacks the permission",
    404: "No such record in the caller's scope",
    409: "The architecture or the record's state refused the command",
    413: "The request body is over the size limit",
    422: "The request is malformed, writes a guarded field, or reuses an idempotency key",
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": text,
        "model": Problem,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, text in _DOCUMENTED.items()
}
"""The problem answers every route documents (so clients and schema checks know them)."""


def install_problem_handlers(app: FastAPI) -> None:
    """Turn every error the API meets into a problem+json response."""

    @app.exception_handler(ProblemError)
    async def _problem(_request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(
            exc.status, exc.title, exc.detail, rule=exc.rule, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(CommandRefused)
    async def _refused(_request: Request, exc: CommandRefused) -> JSONResponse:
        status = 422 if exc.rule == "write_guard" else 409
        return problem_response(
            status,
            "Refused by the architecture" if status == 409 else "Guarded fields",
            str(exc),
            rule=exc.rule,
            record_type=exc.record_type,
            record_id=exc.record_id,
            reasons=[{"rule": r.rule, "text": r.text} for r in exc.reasons],
        )

    @app.exception_handler(RecordNotFound)
    async def _missing(_request: Request, exc: RecordNotFound) -> JSONResponse:
        return problem_response(
            404,
            "Not found",
            str(exc),
            rule="scope",
            record_type=exc.record_type,
            record_id=str(exc.record_id),
        )

    @app.exception_handler(StaleRecord)
    async def _stale(_request: Request, exc: StaleRecord) -> JSONResponse:
        return problem_response(409, "Changed by someone else", str(exc), rule="optimistic_lock")

    @app.exception_handler(TargetRefused)
    async def _target(_request: Request, exc: TargetRefused) -> JSONResponse:
        return problem_response(422, "Webhook target refused", str(exc), rule="webhook.target")

    @app.exception_handler(SpecError)
    async def _spec(_request: Request, exc: SpecError) -> JSONResponse:
        return problem_response(503, "No usable architecture spec", str(exc), rule="spec")

    @app.exception_handler(SettingsError)
    async def _settings(_request: Request, exc: SettingsError) -> JSONResponse:
        return problem_response(503, "Not configured", str(exc), rule="settings")

    @app.exception_handler(L2OError)
    async def _l2o(_request: Request, exc: L2OError) -> JSONResponse:
        return problem_response(400, "Cannot be done", str(exc), rule=type(exc).__name__)

    @app.exception_handler(DataError)
    async def _unstorable(_request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the request carried (a NUL character, a number out
        # of range): the client's input, not a fault of the server.
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "invalid value"
        return problem_response(
            422,
            "Value cannot be stored",
            f"the database refused a value: {reason}",
            rule="request.value",
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "rule": f"request.{e.get('type', 'invalid')}",
                "text": f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}",
            }
            for e in exc.errors()
        ]
        return problem_response(
            422,
            "Invalid request",
            "; ".join(e["text"] for e in errors),
            rule="request.validation",
            reasons=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            exc.status_code,
            str(exc.detail),
            str(exc.detail),
            headers=dict(exc.headers) if exc.headers else None,
        )
