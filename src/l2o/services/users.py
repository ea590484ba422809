"""Finding the people the spec and the commands name: by user id, email or CRM id.

The spec names reps as its authors know them (``maya.chen@northwind.example`` in a routing
pool); commands name them by id. Both resolve to a stored ``User`` here, one way.
"""

from __future__ import annotations

from l2o.domain import User
from l2o.errors import RecordNotFound
from l2o.store import SqlAlchemyUnitOfWork

__all__ = ["find_user", "require_user"]


def find_user(uow: SqlAlchemyUnitOfWork, reference: str) -> User | None:
    """The user whose id, email (case-insensitive) or CRM source id is ``reference``."""
    user = uow.users.find(reference)
    if user is not None:
        return user
    if "@" in reference:
        for candidate in uow.users.list(email=reference) or uow.users.list(email=reference.lower()):
            return candidate
        return None
    matches = uow.users.list(source_id=reference)
    return matches[0] if len(matches) == 1 else None


def require_user(uow: SqlAlchemyUnitOfWork, reference: str) -> User:
    """:func:`find_user`, or ``RecordNotFound`` naming the reference."""
    user = find_user(uow, reference)
    if user is None:
        raise RecordNotFound("User", reference)
    return user
