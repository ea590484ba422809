"""Sign-in for the company ``l2o run`` serves: one person and one new token per persona.

::

    for demo in demo_tokens(engine):
        print(demo.persona, demo.name, demo.token)
    # executive  Demo Executive   l2o_...   (access role admin)
    # adviser    Demo Adviser     l2o_...   (viewer: the assessment, read-only)
    # manager    <a stored sales manager with the most people below them>
    # rep        <the stored rep who owns the most open deals>

The executive and the adviser are made once (found again by their e-mail on the next run);
the manager and the rep are people already in the store - a simulated or imported company's
own - given the ``manager`` / ``rep`` access role so their views show real pipelines. A
store without such people gets no manager or rep token. Every call makes new tokens (the
store keeps only digests, so an old token cannot be shown again; it stays valid).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from l2o import domain
from l2o.services.access import add_user, create_token, grant_access
from l2o.store.schema import opportunities, users

__all__ = ["DemoToken", "demo_tokens"]


@dataclass(frozen=True)
class DemoToken:
    """A persona of the dashboard, the person signed in as it, their access role and token."""

    persona: str
    name: str
    access_role: str
    token: str


#: The people made for the demo: persona, name, e-mail (a reserved domain), access role.
_MADE = (
    ("executive", "Demo Executive", "demo-executive@example.com", "admin"),
    ("adviser", "Demo Adviser", "demo-adviser@example.com", "viewer"),
)


def demo_tokens(engine: Engine) -> list[DemoToken]:
    """A new token for each dashboard persona the store can show (see the module's text)."""
    people: list[tuple[str, str, str, str]] = []
    for persona, name, email, access_role in _MADE:
        user_id = _user_with_email(engine, email)
        if user_id is None:
            user_id = add_user(engine, name=name, access_role=access_role, email=email)
        people.append((persona, user_id, name, access_role))
    with engine.connect() as conn:
        found = (("manager", _busiest_manager(conn)), ("rep", _busiest_rep(conn)))
    for persona, person in found:
        if person is not None:
            user_id, name = person
            grant_access(engine, user_id, persona)
            people.append((persona, user_id, name, persona))
    return [
        DemoToken(persona, name, access_role, create_token(engine, user_id))
        for persona, user_id, name, access_role in people
    ]


def _user_with_email(engine: Engine, email: str) -> str | None:
    with engine.connect() as conn:
        found = conn.execute(sa.select(users.c.id).where(users.c.email == email)).scalar()
    return None if found is None else str(found)


def _busiest_manager(conn: Connection) -> tuple[str, str] | None:
    """The active sales manager with the most people reporting to them (ties: by id)."""
    reports = users.alias("reports")
    row = conn.execute(
        sa.select(users.c.id, users.c.name)
        .join(reports, reports.c.manager_id == users.c.id)
        .where(users.c.role == domain.UserRole.MANAGER.value, users.c.active.is_(True))
        .group_by(users.c.id, users.c.name)
        .order_by(sa.func.count().desc(), users.c.id)
        .limit(1)
    ).first()
    return None if row is None else (str(row.id), str(row.name))


def _busiest_rep(conn: Connection) -> tuple[str, str] | None:
    """The active account executive owning the most open opportunities (ties: by id)."""
    row = conn.execute(
        sa.select(users.c.id, users.c.name)
        .join(opportunities, opportunities.c.owner_id == users.c.id)
        .where(
            users.c.role == domain.UserRole.AE.value,
            users.c.active.is_(True),
            opportunities.c.is_closed.is_(False),
        )
        .group_by(users.c.id, users.c.name)
        .order_by(sa.func.count().desc(), users.c.id)
        .limit(1)
    ).first()
    return None if row is None else (str(row.id), str(row.name))
