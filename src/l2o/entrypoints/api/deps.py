"""What routes depend on: the app's context, the signed-in person, permissions and scope.

``Annotated`` aliases, as routes use them::

    def get_deal(deal_id: str, ctx: Context, scope: Scope) -> ...
    @router.post(..., dependencies=[requires("deal:advance")])
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from l2o.entrypoints.api.config import ApiSettings
from l2o.entrypoints.api.problems import ProblemError
from l2o.services.access import Principal, allowed, authenticate, visible_owner_ids
from l2o.services.bootstrap import RevenueSystem
from l2o.spec import ArchitectureSpec

__all__ = [
    "ApiContext",
    "Context",
    "CurrentPrincipal",
    "PageLimit",
    "PageOffset",
    "Scope",
    "requires",
]


@dataclass
class ApiContext:
    """The store, the settings and (built on first use) the revenue services' composition root."""

    engine: Engine
    settings: ApiSettings
    spec: ArchitectureSpec | None = None
    _system: RevenueSystem | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def system(self) -> RevenueSystem:
        """The spec's compiled rules over the store (loaded once; ``SpecError`` if unusable)."""
        with self._lock:
            if self._system is None:
                spec = self.spec if self.spec is not None else self.settings.spec
                self._system = RevenueSystem.build(spec, self.engine, source="api")
            return self._system


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.l2o
    return context


Context = Annotated[ApiContext, Depends(_context)]

_bearer = HTTPBearer(auto_error=False, description="An API token: l2o token create USER")


def _principal(
    request: Request,
    ctx: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(
            401,
            "Unauthorized",
            "send an API token as 'Authorization: Bearer l2o_...'",
            rule="auth.token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = authenticate(ctx.engine, credentials.credentials)
    if principal is None:
        raise ProblemError(
            401,
            "Unauthorized",
            "the API token is unknown, revoked or its user has no access",
            rule="auth.token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(_principal)]


def requires(permission: str) -> Any:
    """A route dependency refusing (403) anyone whose role lacks ``permission``."""

    def check(principal: CurrentPrincipal) -> Principal:
        if not allowed(principal, permission):
            raise ProblemError(
                403,
                "Forbidden",
                f"access role {principal.access_role!r} does not have {permission!r}",
                rule=f"permission.{permission}",
            )
        return principal

    return Depends(check)


def _scope(ctx: Context, principal: CurrentPrincipal) -> frozenset[str] | None:
    return visible_owner_ids(ctx.engine, principal)


Scope = Annotated[frozenset[str] | None, Depends(_scope)]


def _limit(
    ctx: Context,
    limit: Annotated[
        int | None, Query(ge=1, description="Page size (capped by the server).")
    ] = None,
) -> int:
    return min(limit or ctx.settings.page_size, ctx.settings.max_page_size)


PageLimit = Annotated[int, Depends(_limit)]
PageOffset = Annotated[int, Query(ge=0, le=10_000_000, description="Records to skip.")]
