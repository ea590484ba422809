"""What every page needs: the store, the compiled architecture, the templates, the signed-in
person - and the rule that a page their role may not see answers 403, as a page that says
what they lack."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from l2o.entrypoints.web.formatting import FILTERS
from l2o.entrypoints.web.outcomes import OutcomeCache
from l2o.services.access import Principal, allowed, authenticate, visible_owner_ids
from l2o.services.bootstrap import RevenueSystem

__all__ = [
    "COOKIE",
    "NAVIGATION",
    "Dashboard",
    "OwnerScope",
    "PageRefused",
    "Viewer",
]

COOKIE = "l2o_session"
"""The cookie holding the signed-in person's token (HttpOnly, SameSite=Strict)."""

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("/", "Overview", ""),
    ("/index", "L2O Index", "assessment:read"),
    ("/pipeline", "Pipeline", "pipeline:read"),
    ("/exceptions", "Exceptions", "pipeline:read"),
    ("/approvals", "Approvals", "approval:decide"),
    ("/leads", "Leads", "lead:read"),
    ("/routing", "Routing", "routing:read"),
    ("/revenue", "Revenue", "forecast:read"),
    ("/forecast", "Forecast", "forecast:read"),
    ("/attribution", "Attribution", "forecast:read"),
    ("/questionnaire", "Questionnaire", "assessment:run"),
    ("/audit", "Audit", "audit:read"),
)
"""The pages in the navigation: path, label and the permission that shows it."""


class PageRefused(HTTPException):
    """403: the signed-in person may not see this page (``permission`` names what the role
    lacks) or this record (outside their scope)."""

    def __init__(self, detail: str, *, permission: str | None = None) -> None:
        super().__init__(403, detail)
        self.permission = permission


OwnerScope = frozenset[str] | None
"""The owners whose records a person sees (``None``: everyone's)."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in person on one request: who they are and whose records they see."""

    principal: Principal
    owners: OwnerScope

    def may(self, permission: str) -> bool:
        """Whether the person's role grants ``permission``."""
        return allowed(self.principal, permission)

    def sees_owner(self, owner_id: str | None) -> bool:
        """Whether a record owned by ``owner_id`` is in the person's scope."""
        return self.owners is None or (owner_id is not None and owner_id in self.owners)


class Dashboard:
    """The dashboard's composition: store engine, optional revenue system, templates and the
    outcomes computed so far (per store state)."""

    def __init__(self, engine: Engine, system: RevenueSystem | None) -> None:
        self.engine = engine
        self.system = system
        self.outcomes = OutcomeCache()
        self.templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        self.templates.env.filters.update(FILTERS)

    def viewer(self, request: Request) -> Viewer | None:
        """The person signed in on ``request`` (``None``: nobody, or the token is no longer
        valid)."""
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        principal = authenticate(self.engine, token)
        if principal is None:
            return None
        return Viewer(principal, visible_owner_ids(self.engine, principal))

    def require(self, permission: str | None = None) -> Callable[[Request], Viewer]:
        """A dependency: the signed-in person holding ``permission``; else a redirect to sign
        in (nobody signed in) or 403 (the role does not grant it)."""

        def dependency(request: Request) -> Viewer:
            viewer = self.viewer(request)
            if viewer is None:
                raise HTTPException(303, "sign in first", headers={"Location": "/signin"})
            if permission is not None and not viewer.may(permission):
                raise PageRefused(f"your role may not use {permission}", permission=permission)
            return viewer

        return dependency

    def refusal(self, request: Request, refused: HTTPException) -> HTMLResponse:
        """The 403 page: what the person lacks, with the navigation they may use."""
        return self.page(
            request,
            "refused.html",
            self.viewer(request),
            {
                "detail": refused.detail,
                "permission": getattr(refused, "permission", None),
            },
            status_code=403,
        )

    def route_class(self) -> type[APIRoute]:
        """The dashboard's route class: a 403 raised while answering (by :meth:`require` or
        a page's scope check) becomes :meth:`refusal`'s HTML page, not JSON."""
        dashboard = self

        class PageRoute(APIRoute):
            def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
                answer = super().get_route_handler()

                async def guarded(request: Request) -> Response:
                    try:
                        return await answer(request)
                    except HTTPException as exc:
                        if exc.status_code != 403:
                            raise
                        return await run_in_threadpool(dashboard.refusal, request, exc)

                return guarded

        return PageRoute

    def system_or_503(self) -> RevenueSystem:
        """The compiled architecture, or 503 when the dashboard was started without a spec."""
        if self.system is None:
            raise HTTPException(503, "the dashboard was started without an architecture spec")
        return self.system

    def page(
        self,
        request: Request,
        template: str,
        viewer: Viewer | None,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        """Render ``template`` with the navigation the person may see."""
        navigation = [
            (path, label)
            for path, label, permission in NAVIGATION
            if viewer is not None and (not permission or viewer.may(permission))
        ]
        values = {
            "viewer": viewer,
            "navigation": navigation,
            "current": request.url.path,
            "has_spec": self.system is not None,
            "htmx": request.headers.get("HX-Request") == "true",
            **(context or {}),
        }
        return self.templates.TemplateResponse(request, template, values, status_code=status_code)
