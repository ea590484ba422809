"""The proposed renewal windows, from how long renewal deals take to close.

If four renewals in five (``RENEWAL_CYCLE_PERCENTILE``) closed within *c* days of being
opened, renewal work must start at least *c* days before the term ends, plus a month of
margin; the first window is that, rounded up to a whole month (60-180 days), and two more
follow a month apart. Everything else in the lifecycle section is kept from the current spec.
"""

from __future__ import annotations

import math
from typing import Any

from l2o.assess.proposal.evidence import Evidence, count, share
from l2o.assess.proposal.facts import ProposalFacts
from l2o.assess.proposal.thresholds import MIN_RENEWALS, RENEWAL_CYCLE_PERCENTILE

__all__ = ["propose_lifecycle"]

_PATH = ("lifecycle",)
_DEFAULT_WINDOWS = [90, 60, 30]
_MONTH = 30


def propose_lifecycle(
    facts: ProposalFacts,
    current_data: dict[str, Any] | None,
    owner_role: str,
    renewal_pipeline: str | None,
    evidence: Evidence,
) -> dict[str, Any]:
    """The ``lifecycle`` section with renewal windows derived from the renewal history."""
    section = dict(current_data or {})
    renewal = dict(section.get("renewal") or {})
    where = (*_PATH, "renewal", "windows_days")
    cycle = facts.renewals.cycle_days
    if cycle.n >= MIN_RENEWALS:
        slow = cycle.percentile(RENEWAL_CYCLE_PERCENTILE)
        assert slow is not None  # n > 0
        first = min(180, max(60, _MONTH * math.ceil((slow + 1 + _MONTH) / _MONTH)))
        renewal["windows_days"] = [first, first - _MONTH, first - 2 * _MONTH]
        on_time = facts.renewals
        evidence.note(
            where,
            f"First window {first} days before term end: {RENEWAL_CYCLE_PERCENTILE:.0%} of "
            f"{count(cycle.n)} closed renewal deals closed within {slow + 1} days of opening, "
            "plus a month of margin.",
        )
        if on_time.renewed:
            evidence.note(
                where,
                f"Today {count(on_time.closed_before_term_end)} of {count(on_time.renewed)} "
                f"renewals ({share(on_time.closed_before_term_end, on_time.renewed)}) closed "
                "before the old term ended.",
            )
    else:
        why = f"only {count(cycle.n)} closed renewal deals ({MIN_RENEWALS} needed)"
        if "windows_days" in renewal:
            evidence.note(where, f"Kept from the current spec: {why}.")
        else:
            renewal["windows_days"] = list(_DEFAULT_WINDOWS)
            evidence.note(where, f"Default windows: {why}.")
    if "owner_role" not in renewal:
        renewal["owner_role"] = owner_role
        evidence.note((*_PATH, "renewal", "owner_role"), "Proposed: the role that owns renewals.")
    if renewal_pipeline is not None and "pipeline" not in renewal:
        renewal["pipeline"] = renewal_pipeline
        evidence.note((*_PATH, "renewal", "pipeline"), "The proposed renewal pipeline.")
    section["renewal"] = {
        k: renewal[k] for k in ("windows_days", "owner_role", "pipeline") if k in renewal
    }
    keys = (
        "onboarding",
        "health_score",
        "renewal",
        "expansion_triggers",
        "churn_risk_signals",
        "retention_targets",
    )
    return {key: section[key] for key in keys if key in section}
