"""The proposed architecture: a redesigned spec derived from the data, with its evidence.

:func:`derive_architecture` combines the per-dimension derivations (ICP, pipeline, pricing,
renewals) with whatever the current spec defines and the data cannot speak to (signals,
commercial structure, workflows, custom fields), validates the result with the real loader,
and keeps the evidence for every derived value so :meth:`ProposedArchitecture.to_yaml`
writes it as comments::

    proposal = derive_architecture(facts, current=load_spec("architecture.yaml"))
    Path("architecture.proposed.yaml").write_text(proposal.to_yaml())
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from l2o.assess.proposal.commented_yaml import commented_yaml
from l2o.assess.proposal.evidence import Evidence, count
from l2o.assess.proposal.facts import ProposalFacts
from l2o.assess.proposal.icp import propose_icp
from l2o.assess.proposal.lifecycle import propose_lifecycle
from l2o.assess.proposal.pipeline import propose_pipeline
from l2o.assess.proposal.pricing import Approvers, propose_pricing
from l2o.assess.proposal.thresholds import (
    MIN_DISCOUNTS,
    MIN_ICP_DEALS,
    MIN_RENEWALS,
    MIN_STAGE_DEALS,
)
from l2o.spec import ArchitectureSpec, dump_spec, load_spec

__all__ = ["DEFAULT_COMPANY_NAME", "ProposedArchitecture", "derive_architecture"]

DEFAULT_COMPANY_NAME = "Proposed architecture"
"""The company name written when no current spec names the company."""

_ROLE_LABELS = {
    "sales_manager": "Sales manager",
    "vp_sales": "VP Sales",
    "am": "Account manager",
    "ae": "Account executive",
}
_MANAGER_ROLES = ("sales_manager", "manager", "founder", "vp_sales", "cro")
_EXECUTIVE_ROLES = ("vp_sales", "cro", "cfo", "founder", "ceo")
_RENEWAL_OWNERS = ("am", "csm", "ae", "founder")
_KEPT = ("signals", "workflows")


@dataclass(frozen=True)
class ProposedArchitecture:
    """A proposed spec (valid under ``l2o spec check``) and the evidence behind its values."""

    spec: ArchitectureSpec
    evidence: Evidence

    def to_yaml(self) -> str:
        """The spec as YAML, each derived value with a comment saying where it came from."""
        data = _whole_numbers(dump_spec(self.spec))
        return commented_yaml(data, self.evidence.notes(), self.evidence.header)


def derive_architecture(
    facts: ProposalFacts, current: ArchitectureSpec | None = None
) -> ProposedArchitecture:
    """Propose a redesigned architecture from ``facts``, keeping what ``current`` defines
    where the data cannot speak to it (or has too little to say).

    Raises :class:`~l2o.errors.SpecError` only if the derivation itself is wrong: the result
    is always loaded with :func:`l2o.spec.load_spec` before it is returned.
    """
    evidence = Evidence()
    base = dump_spec(current) if current is not None else {}
    currency = _currency(current, facts)
    roles = _RoleBook(base.get("commercial", {}).get("roles", []))
    data: dict[str, Any] = {
        "version": 1,
        "company": base.get("company", {"name": DEFAULT_COMPANY_NAME, "currency": currency}),
    }
    if base.get("custom_fields"):
        data["custom_fields"] = base["custom_fields"]
    icp = propose_icp(facts, current.icp if current else None, base.get("icp"), evidence, currency)
    if icp is not None:
        data["icp"] = icp
    data["pipeline"] = propose_pipeline(
        facts, current.pipeline if current else None, base.get("pipeline"), evidence
    )
    if "signals" in base:
        data["signals"] = base["signals"]
    approvers = Approvers(
        manager=[roles.pick(_MANAGER_ROLES, "sales_manager")],
        executive=[roles.pick(_EXECUTIVE_ROLES, "vp_sales")],
    )
    pricing = propose_pricing(
        facts,
        current.pricing if current else None,
        base.get("pricing"),
        approvers,
        evidence,
        currency,
    )
    renewal = (base.get("lifecycle") or {}).get("renewal") or {}
    owner = renewal.get("owner_role") or roles.pick(_RENEWAL_OWNERS, "am")
    lifecycle = propose_lifecycle(
        facts, base.get("lifecycle"), owner, _renewal_pipeline(data["pipeline"]), evidence
    )
    for role in _approvers(pricing):
        roles.pick((role,), role)
    data["commercial"] = roles.commercial(base.get("commercial"), evidence)
    data["pricing"] = pricing
    data["lifecycle"] = lifecycle
    if "workflows" in base:
        data["workflows"] = base["workflows"]
    for section in _KEPT:
        if section in data:
            evidence.note((section,), "Kept from the current spec: not derived from the data.")
    evidence.header.extend(_header(facts, current is not None))
    ordered: dict[str, Any] = {
        k: data[k]
        for k in (
            "version",
            "company",
            "custom_fields",
            "icp",
            "pipeline",
            "signals",
            "commercial",
            "pricing",
            "lifecycle",
            "workflows",
        )
        if k in data
    }
    return ProposedArchitecture(load_spec(ordered), evidence)


def _whole_numbers(value: Any) -> Any:
    """``30.0`` written as ``30``: the spec reads both the same, people read the latter."""
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _currency(current: ArchitectureSpec | None, facts: ProposalFacts) -> str:
    if current is not None:
        return current.company.currency
    if facts.currency and re.fullmatch(r"[A-Z]{3}", facts.currency):
        return facts.currency
    return "USD"


def _renewal_pipeline(section: dict[str, Any]) -> str | None:
    for pipeline in section.get("pipelines", []):
        if pipeline["deal_type"] == "renewal":
            return str(pipeline["id"])
    return None


def _approvers(pricing: dict[str, Any]) -> list[str]:
    found = [role for band in pricing.get("discount_matrix", []) for role in band["approvers"]]
    found += [role for term in pricing.get("non_standard_terms", []) for role in term["approvers"]]
    return list(dict.fromkeys(found))


class _RoleBook:
    """The roles the current spec declares, and those the proposal adds because it names them."""

    def __init__(self, declared: Sequence[dict[str, Any]]) -> None:
        self.declared = [dict(role) for role in declared]
        self.known = {role["id"] for role in self.declared}
        self.added: list[str] = []

    def pick(self, preferred: Sequence[str], fallback: str) -> str:
        """The first declared role of ``preferred``, else ``fallback`` (declaring it)."""
        for role in preferred:
            if role in self.known:
                return role
        if fallback not in self.known:
            self.known.add(fallback)
            self.added.append(fallback)
        return fallback

    def commercial(self, base: dict[str, Any] | None, evidence: Evidence) -> dict[str, Any]:
        section = dict(base or {})
        roles = list(self.declared)
        if not roles and "ae" not in self.added:
            self.added.insert(0, "ae")
        start = len(roles)
        for role in self.added:
            roles.append({"id": role, "label": _ROLE_LABELS.get(role, role.replace("_", " "))})
        for index in range(start, len(roles)):
            evidence.note(
                ("commercial", "roles", index),
                "Added: the proposed approvals or renewals name this role.",
            )
        section["roles"] = roles
        if base:
            evidence.note(("commercial",), "Kept from the current spec, roles added as needed.")
        return {"roles": roles, **{k: v for k, v in section.items() if k != "roles"}}


def _header(facts: ProposalFacts, has_current: bool) -> list[str]:
    icp_deals = sum(o.closed for o in facts.industries) or sum(
        b.won + b.lost for b in facts.employee_bands
    )
    stage_deals = max((s.reached for s in facts.stages), default=0)
    discounts = sum(bucket.discounts.n for bucket in facts.discounts)
    lines = [
        "Proposed Lead-to-Order architecture, derived from the company's data.",
        f"Evidence: {count(facts.closed_deals)} closed deals ({count(facts.won_deals)} won), "
        f"{count(discounts)} won deals with a quoted discount, "
        f"{count(facts.renewals.cycle_days.n)} closed renewal deals.",
        "Each derived value carries a comment saying where it came from; "
        + (
            "everything else is kept from the current spec."
            if has_current
            else "no current spec was given, so the rest are defaults."
        ),
    ]
    short = [
        name
        for name, n, needed in (
            ("ICP", icp_deals, MIN_ICP_DEALS),
            ("stage probabilities", stage_deals, MIN_STAGE_DEALS),
            ("discount bands", discounts, MIN_DISCOUNTS),
            ("renewal windows", facts.renewals.cycle_days.n, MIN_RENEWALS),
        )
        if n < needed
    ]
    if short:
        fallback = "the current spec" if has_current else "defaults"
        lines.append(
            f"Too little data for: {', '.join(short)}. Those fall back to {fallback} "
            "(see the comments)."
        )
    lines.append("Review it with the revenue team before adopting it: l2o spec check validates it.")
    return lines
