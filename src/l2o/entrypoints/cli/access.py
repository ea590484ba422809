"""``l2o users add NAME --role ROLE`` and ``l2o token create USER``: who may use the API.

::

    l2o users add "Rita Rep" --role rep --email rita@example.com --manager MAX_ID --team east
    l2o token create rita@example.com      # prints the token once; only its digest is kept
"""

from __future__ import annotations

import typer

from l2o.entrypoints.cli.common import DB_OPTION, fail, guarded
from l2o.services.access import add_user, create_token
from l2o.services.access_policy import ACCESS_ROLES
from l2o.settings import load_settings
from l2o.store import engine_for

__all__ = ["token_app", "users_app"]

users_app = typer.Typer(
    help="People who may use the API, with their access role.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The person's name."),
    role: str = typer.Option(..., "--role", help=f"Access role: {', '.join(ACCESS_ROLES)}."),
    email: str | None = typer.Option(None, "--email"),
    manager: str | None = typer.Option(None, "--manager", help="Their manager's user id."),
    team: str | None = typer.Option(None, "--team"),
    db: str | None = DB_OPTION,
) -> None:
    """Add a person with an access role; prints their user id."""
    if role not in ACCESS_ROLES:
        fail(f"--role {role!r} is unknown; use one of {', '.join(ACCESS_ROLES)}")
    engine = guarded(lambda: engine_for(load_settings(db).database_url))
    user_id = guarded(
        lambda: add_user(
            engine, name=name, access_role=role, email=email, manager_id=manager, team=team
        )
    )
    typer.echo(user_id)


@token_app.command("create")
def token_create(
    user: str = typer.Argument(..., help="The user's id or email."),
    db: str | None = DB_OPTION,
) -> None:
    """Create an API token for USER and print it (it cannot be shown again)."""
    engine = guarded(lambda: engine_for(load_settings(db).database_url))
    typer.echo(guarded(lambda: create_token(engine, user)))
