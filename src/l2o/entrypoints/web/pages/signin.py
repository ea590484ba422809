"""Signing in with an API token and signing out. The token goes into an HttpOnly,
SameSite=Strict cookie (Secure over HTTPS): scripts cannot read it and other sites cannot
send it, so the forms need no separate CSRF token."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from l2o.entrypoints.web.context import COOKIE, Dashboard
from l2o.services.access import authenticate

__all__ = ["SESSION_SECONDS", "register"]

SESSION_SECONDS = 8 * 3600
"""How long the browser keeps the sign-in (a working day); the token itself may live on."""


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The sign-in and sign-out routes on ``router``."""

    @router.get("/signin", response_class=HTMLResponse)
    def signin_form(request: Request) -> HTMLResponse:
        """The sign-in form."""
        return dashboard.page(request, "signin.html", None)

    @router.post("/signin", response_model=None)
    def signin(request: Request, token: Annotated[str, Form()]) -> RedirectResponse | HTMLResponse:
        """Check the token; on success keep it in the session cookie and go to the overview."""
        token = token.strip()
        if not token or authenticate(dashboard.engine, token) is None:
            return dashboard.page(
                request,
                "signin.html",
                None,
                {"error": "That token is not valid. Ask an administrator for a new one."},
                status_code=401,
            )
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @router.post("/signout")
    def signout() -> RedirectResponse:
        """Forget the session cookie."""
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response
