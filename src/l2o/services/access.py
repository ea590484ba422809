"""API access as use cases: add people with an access role, give them tokens, and decide who a
token belongs to, what they may do and whose records they see.

::

    user_id = add_user(engine, name="Rita Rep", access_role="rep", email="rita@example.com")
    token = create_token(engine, user_id)        # shown once; only its digest is stored
    principal = authenticate(engine, token)      # Principal(user_id, name, "rep", team)
    allowed(principal, "approval:decide")        # False
    visible_owner_ids(engine, principal)         # frozenset({user_id})

Tokens are ``l2o_`` followed by 32 random bytes (``secrets.token_urlsafe``). The store keeps
their SHA-256 digest, not the token: someone reading the database cannot use what they read.
A plain SHA-256 is enough here, unlike for passwords: a slow, salted hash (bcrypt, argon2)
protects secrets people choose, which are guessable; a 256-bit random token cannot be
guessed, so a digest of it is as hard to reverse as the token is to guess, and a fast digest
lets the token be found by an indexed lookup on every request.

The rules (which role holds which permission, which scope) are in
:mod:`l2o.services.access_policy`; this module applies them to the store.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o import domain
from l2o.errors import L2OError, RecordNotFound
from l2o.services.access_policy import ACCESS_ROLES, RecordScope, chain_below, permitted, scope_of
from l2o.services.users import find_user
from l2o.store import SqlAlchemyUnitOfWork
from l2o.store.access import AccessGrants, ApiTokens
from l2o.store.schema import users

__all__ = [
    "TOKEN_PREFIX",
    "Principal",
    "UnknownAccessRole",
    "add_user",
    "allowed",
    "authenticate",
    "create_token",
    "grant_access",
    "principal_of",
    "token_digest",
    "visible_owner_ids",
]

TOKEN_PREFIX = "l2o_"

#: The coverage role (``User.role``) a new user gets for each access role, unless given.
_COVERAGE_ROLE = {
    "admin": domain.UserRole.ADMIN,
    "revops": domain.UserRole.REVOPS,
    "manager": domain.UserRole.MANAGER,
    "rep": domain.UserRole.AE,
    "approver": domain.UserRole.DEAL_DESK,
    "viewer": domain.UserRole.FOUNDER,
}


class UnknownAccessRole(L2OError):
    """An access role that is none of ``ACCESS_ROLES``."""

    def __init__(self, access_role: str) -> None:
        self.access_role = access_role
        super().__init__(
            f"access role {access_role!r} is unknown; use one of {', '.join(ACCESS_ROLES)}"
        )


@dataclass(frozen=True)
class Principal:
    """The person a request acts for: who, with which access role, on which team."""

    user_id: str
    name: str
    access_role: str
    team: str | None


def add_user(
    engine: Engine,
    *,
    name: str,
    access_role: str,
    email: str | None = None,
    manager_id: str | None = None,
    team: str | None = None,
    coverage_role: domain.UserRole | None = None,
    spec_roles: tuple[str, ...] = (),
) -> str:
    """Add a person (a domain ``User``) with ``access_role``; their user id.

    ``coverage_role`` is where they sit in sales (default: from the access role, e.g. a
    rep is an ``ae``); ``spec_roles`` are the spec's roles they hold (``sales_manager``...),
    which approvals and gate overrides check. ``manager_id`` must name a stored user.
    """
    _check_role(access_role)
    user = domain.User(
        name=name,
        email=email,
        role=coverage_role or _COVERAGE_ROLE[access_role],
        team=team,
        manager_id=manager_id,
        roles=list(spec_roles),
    )
    with SqlAlchemyUnitOfWork(engine, source="access") as uow:
        if manager_id is not None:
            uow.users.get(manager_id)
        uow.users.add(user)
        uow.commit()
    grant_access(engine, user.id, access_role)
    return user.id


def grant_access(engine: Engine, user_id: str, access_role: str) -> None:
    """Give the stored user ``user_id`` the access role ``access_role``."""
    _check_role(access_role)
    with SqlAlchemyUnitOfWork(engine, source="access") as uow:
        uow.users.get(user_id)
    with engine.begin() as conn:
        AccessGrants(conn).set(user_id, access_role)


def create_token(engine: Engine, user_id: str) -> str:
    """A new API token for ``user_id`` (an id or email): the plain token, shown only now."""
    with SqlAlchemyUnitOfWork(engine, source="access") as uow:
        user = find_user(uow, user_id)
        if user is None:
            raise RecordNotFound("User", user_id)
        resolved = user.id
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        ApiTokens(conn).add(resolved, token_hash=token_digest(token), prefix=token[:8])
    return token


def token_digest(token: str) -> str:
    """The SHA-256 digest (hex) the store keeps for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(engine: Engine, token: str) -> Principal | None:
    """The person ``token`` belongs to, or ``None`` for an unknown, revoked or malformed one.

    A user without an access role, or no longer active, is not let in.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = ApiTokens(conn).by_hash(token_digest(token))
        if row is None:
            return None
    return principal_of(engine, row.user_id)


def principal_of(engine: Engine, user_id: str) -> Principal | None:
    """The active user ``user_id`` as a :class:`Principal`, or ``None`` without access."""
    with engine.connect() as conn:
        person = conn.execute(
            sa.select(users.c.name, users.c.team, users.c.active).where(users.c.id == user_id)
        ).first()
        role = AccessGrants(conn).role_of(user_id)
    if person is None or role is None or not person.active:
        return None
    return Principal(user_id=user_id, name=person.name, access_role=role, team=person.team)


def allowed(principal: Principal, permission: str) -> bool:
    """Whether ``principal`` holds ``permission`` (e.g. ``"approval:decide"``)."""
    return permitted(principal.access_role, permission)


def visible_owner_ids(engine: Engine, principal: Principal) -> frozenset[str] | None:
    """The owners whose records ``principal`` sees: ``None`` means everyone's.

    A rep sees their own; a manager their own and everyone below them in the manager
    chain; admin, revops, approver and viewer see all.
    """
    scope = scope_of(principal.access_role)
    if scope is RecordScope.ALL:
        return None
    if scope is RecordScope.OWN:
        return frozenset({principal.user_id})
    with engine.connect() as conn:
        rows = conn.execute(sa.select(users.c.id, users.c.manager_id))
        managers = {row.id: row.manager_id for row in rows}
    return frozenset({principal.user_id}) | chain_below(principal.user_id, managers)


def _check_role(access_role: str) -> None:
    if access_role not in ACCESS_ROLES:
        raise UnknownAccessRole(access_role)
