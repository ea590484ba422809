"""Who may do what through the API: access roles, their permissions, their record scope,
and the fields a generic update may not touch. Pure rules: no store, no framework.

::

    >>> permitted("rep", "approval:decide")
    False
    >>> scope_of("manager")
    <RecordScope.TEAM: 'team'>
    >>> [g.field for g in write_refusals("opportunity", {"stage": "won", "next_step": "demo"})]
    ['stage']

Roles: ``admin`` (everything), ``revops`` (runs the machine: imports, assessments, every
record, not user administration), ``manager`` (their team's records down the manager chain,
decides approvals), ``rep`` (their own records), ``approver`` (deal desk, finance: decides
approvals, reads every deal), ``viewer`` (an adviser or board member: reads, never writes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ACCESS_ROLES",
    "PERMISSIONS",
    "ROLE_PERMISSIONS",
    "WRITABLE_FIELDS",
    "FieldGuard",
    "RecordScope",
    "chain_below",
    "permitted",
    "scope_of",
    "write_refusals",
]

ACCESS_ROLES: tuple[str, ...] = ("admin", "revops", "manager", "rep", "approver", "viewer")

PERMISSIONS: frozenset[str] = frozenset(
    {
        "assessment:read",
        "assessment:run",
        "pipeline:read",
        "deal:write",
        "deal:advance",
        "quote:write",
        "approval:decide",
        "lead:read",
        "lead:write",
        "routing:read",
        "forecast:read",
        "audit:read",
        "import:write",
        "user:admin",
    }
)

_READ = frozenset(
    {"assessment:read", "pipeline:read", "lead:read", "routing:read", "forecast:read"}
)
_SELL = frozenset({"deal:write", "deal:advance", "quote:write", "lead:write"})

ROLE_PERMISSIONS: Mapping[str, frozenset[str]] = {
    "admin": PERMISSIONS,
    "revops": PERMISSIONS - {"user:admin"},
    "manager": _READ | _SELL | {"approval:decide", "audit:read"},
    "rep": (_READ - {"assessment:read"}) | _SELL,
    "approver": _READ | {"approval:decide", "audit:read"},
    "viewer": _READ,
}
"""Each access role's permissions: what an endpoint checks before anything else."""


class RecordScope(StrEnum):
    """Which owners' records a role sees: its own, its team's (manager chain), or all."""

    OWN = "own"
    TEAM = "team"
    ALL = "all"


_SCOPES: Mapping[str, RecordScope] = {
    "admin": RecordScope.ALL,
    "revops": RecordScope.ALL,
    "manager": RecordScope.TEAM,
    "rep": RecordScope.OWN,
    "approver": RecordScope.ALL,
    "viewer": RecordScope.ALL,
}


def permitted(access_role: str, permission: str) -> bool:
    """Whether ``access_role`` holds ``permission``; an unknown permission is a bug, refused.

    ``ValueError`` names an unknown permission, so a typo in an endpoint cannot grant
    or deny silently.
    """
    if permission not in PERMISSIONS:
        raise ValueError(
            f"unknown permission {permission!r}; known: {', '.join(sorted(PERMISSIONS))}"
        )
    return permission in ROLE_PERMISSIONS.get(access_role, frozenset())


def scope_of(access_role: str) -> RecordScope:
    """The record scope of ``access_role`` (an unknown role sees only its own records)."""
    return _SCOPES.get(access_role, RecordScope.OWN)


def chain_below(manager_id: str, managers: Mapping[str, str | None]) -> frozenset[str]:
    """Everyone reporting to ``manager_id`` directly or through other managers.

    ``managers`` maps each user id to their manager's id. A loop in the chain (A manages
    B manages A) ends the walk instead of running forever.

    >>> sorted(chain_below("cro", {"vp": "cro", "rep": "vp", "cro": None}))
    ['rep', 'vp']
    """
    reports: dict[str, list[str]] = {}
    for user_id, boss in managers.items():
        if boss is not None:
            reports.setdefault(boss, []).append(user_id)
    found: set[str] = set()
    waiting = list(reports.get(manager_id, ()))
    while waiting:
        user_id = waiting.pop()
        if user_id in found or user_id == manager_id:
            continue
        found.add(user_id)
        waiting.extend(reports.get(user_id, ()))
    return frozenset(found)


@dataclass(frozen=True)
class FieldGuard:
    """A field a generic update refused: which, by what rule, and the way to change it."""

    record_type: str
    field: str
    rule: str
    text: str


WRITABLE_FIELDS: Mapping[str, frozenset[str]] = {
    "account": frozenset(
        {
            "name",
            "domain",
            "industry",
            "employees",
            "annual_revenue",
            "country",
            "region",
            "technologies",
            "custom_fields",
        }
    ),
    "contact": frozenset({"first_name", "last_name", "email", "phone", "title", "persona"}),
    "lead": frozenset(
        {
            "first_name",
            "last_name",
            "email",
            "phone",
            "company",
            "title",
            "country",
            "custom_fields",
        }
    ),
    "opportunity": frozenset(
        {
            "name",
            "amount",
            "close_date",
            "next_step",
            "primary_contact_id",
            "qualification",
            "custom_fields",
            "lead_source",
        }
    ),
    "quote": frozenset({"name", "valid_until"}),
    "task": frozenset({"subject", "due_date", "priority", "description", "status"}),
}
"""The fields a generic update (``PATCH``) may set, per record type; anything else is refused."""

# Fields that change only through the command that applies their rule.
_GUARDED: Mapping[str, str] = {
    "owner_id": "the owner changes through routing or a reassignment, not an update",
    "stage": "the stage changes through its gate: POST .../advance",
    "stage_entered_at": "set by the stage gate",
    "is_closed": "closing is a stage move through the gate",
    "is_won": "winning is a stage move through the gate",
    "closed_at": "set by the stage gate",
    "forecast_category": "follows the stage",
    "probability": "follows the stage",
    "status": "the status changes through its command (submit, approve, route...)",
    "discount_pct": "a discount changes through POST /quotes/{id}/discount, which asks for "
    "approval again",
    "max_discount_pct": "follows the quote's lines",
    "lines": "quote lines change through the discount command",
    "net_total": "computed from the lines",
    "list_total": "computed from the lines",
    "approver_id": "set by the person deciding the approval",
    "score": "computed from the scoring rules",
    "fit_score": "computed from the scoring rules",
    "engagement_score": "computed from the scoring rules",
    "health_score": "computed from usage, tickets and contracts",
    "tier": "computed from the ICP rules",
    "icp_score": "computed from the ICP rules",
    "id": "ids never change",
    "version": "the lock counter is the store's",
    "created_at": "history is not rewritten",
    "source_system": "where a record came from is the importer's",
    "source_id": "where a record came from is the importer's",
    "merged_into_id": "merges go through l2o merge",
}


def write_refusals(record_type: str, fields: Iterable[str]) -> list[FieldGuard]:
    """Every field of a generic update of ``record_type`` that may not be set that way.

    A guarded field (owner, stage, approved discount...) names the command that changes
    it; any other field not in :data:`WRITABLE_FIELDS` is refused as unknown here.
    """
    writable = WRITABLE_FIELDS.get(record_type, frozenset())
    refusals = []
    for name in sorted(set(fields)):
        if name in writable:
            continue
        if name in _GUARDED:
            refusals.append(
                FieldGuard(record_type, name, f"write_guard.{record_type}.{name}", _GUARDED[name])
            )
        else:
            refusals.append(
                FieldGuard(
                    record_type,
                    name,
                    f"write_guard.{record_type}.unknown",
                    f"not a field an update may set; writable: {', '.join(sorted(writable))}",
                )
            )
    return refusals
