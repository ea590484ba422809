"""What routes depend on: the app's context, the signed-in person, permissions and scope.

``Annotated`` aliases, as routes use them::

    def get_deal(deal_id: str, ctx: Context, scope: Scope) -> ...
    @router.post(..., dependencies=[requires("deal:advance")])
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from l2o.entrypoints.api.config import ApiSettings
from l2o.entrypoints.api.grouping import StoreTurns
from l2o.entrypoints.api.key_ledger import KeyLedger
from l2o.entrypoints.api.lead_intake import LeadIntake
from l2o.entrypoints.api.principals import KnownPrincipals
from l2o.entrypoints.api.problems import ProblemError
from l2o.services.access import Principal, allowed, visible_owner_ids
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
    """The store, the settings, (built on first use) the revenue services' composition root,
    the principals of recently seen tokens, the intake that stores new leads in groups and
    the ledger that settles idempotency keys in groups."""

    engine: Engine
    settings: ApiSettings
    spec: ArchitectureSpec | None = None
    models_dir: str | Path | None = None
    _system: RevenueSystem | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    principals: KnownPrincipals = field(init=False)
    leads: LeadIntake = field(init=False)
    keys: KeyLedger = field(init=False)

    def __post_init__(self) -> None:
        self.principals = KnownPrincipals(self.engine, ttl=self.settings.token_cache_seconds)
        turns = StoreTurns.for_store(self.engine)
        # SQLite's groups are written on the event loop: a local file, and the worker
        # processes' turns keep the wait short. A server's wait on the network and its row
        # locks is left to a thread.
        on_loop = self.engine.dialect.name == "sqlite"
        self.leads = LeadIntake(
            self.system,
            turns=turns,
            window=self.settings.lead_group_window_ms / 1000,
            on_loop=on_loop,
        )
        self.keys = KeyLedger(self.engine, turns=turns, on_loop=on_loop)

    def system(self) -> RevenueSystem:
        """The spec's compiled rules over the store (loaded once; ``SpecError`` if unusable)."""
        with self._lock:
            if self._system is None:
                spec = self.spec if self.spec is not None else self.settings.spec
                self._system = RevenueSystem.build(
                    spec, self.engine, source="api", models_dir=self.models_dir
                )
            return self._system

    async def system_ready(self) -> RevenueSystem:
        """:meth:`system` without blocking the event loop while it is first built."""
        if self._system is not None:
            return self._system
        return await anyio.to_thread.run_sync(self.system)


async def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.l2o
    return context


Context = Annotated[ApiContext, Depends(_context)]

_bearer = HTTPBearer(auto_error=False, description="An API token: l2o token create USER")


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def _principal(request: Request, credentials: Bearer) -> Principal:
    return await _signed_in(request, credentials)


CurrentPrincipal = Annotated[Principal, Depends(_principal)]


def requires(permission: str) -> Any:
    """A route dependency refusing (403) anyone whose role lacks ``permission``; its value
    is the signed-in person, so a route may take it as its principal::

        def create_lead(principal: Annotated[Principal, requires("lead:write")]) -> ...
    """

    async def check(request: Request, credentials: Bearer) -> Principal:
        principal = await _signed_in(request, credentials)
        if not allowed(principal, permission):
            raise ProblemError(
                403,
                "Forbidden",
                f"access role {principal.access_role!r} does not have {permission!r}",
                rule=f"permission.{permission}",
            )
        return principal

    return Depends(check)


async def _signed_in(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    """The person the request's token belongs to (401 without one, or for an unknown one),
    looked up once a request however many dependencies ask."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(
            401,
            "Unauthorized",
            "send an API token as 'Authorization: Bearer l2o_...'",
            rule="auth.token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # The context from the app itself, not as a dependency: one fewer to solve a request.
    ctx: ApiContext = request.app.state.l2o
    principal = await ctx.principals.authenticate(credentials.credentials)
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


def _scope(ctx: Context, principal: CurrentPrincipal) -> frozenset[str] | None:
    return visible_owner_ids(ctx.engine, principal)


Scope = Annotated[frozenset[str] | None, Depends(_scope)]


async def _limit(
    ctx: Context,
    limit: Annotated[
        int | None, Query(ge=1, description="Page size (capped by the server).")
    ] = None,
) -> int:
    return min(limit or ctx.settings.page_size, ctx.settings.max_page_size)


PageLimit = Annotated[int, Depends(_limit)]
PageOffset = Annotated[int, Query(ge=0, le=10_000_000, description="Records to skip.")]
