"""The proposed discount authority matrix, from the discounts won deals actually carried.

Over won deals' quoted discounts (whole percent points):

- a rep may give up to the **median** discount alone (``REP_PERCENTILE``);
- a manager approves up to the **80th percentile** (``MANAGER_PERCENTILE``);
- an executive approves up to the **95th percentile** (``CEILING_PERCENTILE``), which becomes
  ``max_discount_percent``: the rare deal beyond it is an exception, not a band.

When small and large deals (split at the deal-size edge nearest the median won deal) differ
by ``SIZE_SPLIT_POINTS`` or more, each gets its own bands. Approvers are kept from the current
matrix (the band that covered the same discount), else the company's manager and executive
roles. Floors, expiry and non-standard terms are kept from the current spec.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from l2o.assess.proposal.evidence import Evidence, count
from l2o.assess.proposal.facts import DealSizeDiscounts, Histogram, ProposalFacts
from l2o.assess.proposal.thresholds import (
    CEILING_PERCENTILE,
    MANAGER_PERCENTILE,
    MIN_DISCOUNTS,
    REP_PERCENTILE,
    SIZE_SPLIT_POINTS,
)
from l2o.spec.pricing import PricingSpec

__all__ = ["Approvers", "propose_pricing"]

_PATH = ("pricing",)
_DEFAULT_LIMITS = (10, 20, 30)
_DEFAULT_EXPIRY_DAYS = 30


@dataclass(frozen=True)
class Approvers:
    """Who approves the manager and the executive bands when no current band says."""

    manager: list[str]
    executive: list[str]


@dataclass(frozen=True)
class _Limits:
    rep: int
    manager: int
    ceiling: int
    n: int


def propose_pricing(
    facts: ProposalFacts,
    current: PricingSpec | None,
    current_data: dict[str, Any] | None,
    approvers: Approvers,
    evidence: Evidence,
    currency: str,
) -> dict[str, Any]:
    """The ``pricing`` section: a matrix from the discount distribution, or the current one."""
    section = dict(current_data or {})
    overall = Histogram()
    for bucket in facts.discounts:
        overall = overall + bucket.discounts
    if overall.n < MIN_DISCOUNTS:
        why = f"only {count(overall.n)} won deals with a quoted discount ({MIN_DISCOUNTS} needed)"
        if current is not None and current.discount_matrix:
            evidence.note((*_PATH, "discount_matrix"), f"Kept from the current spec: {why}.")
            return section
        rep, manager, ceiling = _DEFAULT_LIMITS
        limits = _Limits(rep, manager, ceiling, 0)
        section["max_discount_percent"] = ceiling
        section["discount_matrix"] = _bands(limits, None, "", current, approvers)
        evidence.note((*_PATH, "discount_matrix"), f"Default bands: {why}.")
        evidence.note((*_PATH, "max_discount_percent"), "Default ceiling.")
    else:
        _derived(section, facts.discounts, overall, current, approvers, evidence, currency)
    if "approval_expiry_days" not in section:
        section["approval_expiry_days"] = _DEFAULT_EXPIRY_DAYS
        evidence.note(
            (*_PATH, "approval_expiry_days"),
            f"Default: an approval lapses after {_DEFAULT_EXPIRY_DAYS} days.",
        )
    return _ordered(section)


def _limits(discounts: Histogram) -> _Limits:
    # Discounts are counted in whole points rounded down: bucket 9 holds 9.0-9.99%, so the
    # limit that covers the bucket is its value + 1.
    rep = (discounts.percentile(REP_PERCENTILE) or 0) + 1
    manager = max(rep + 1, (discounts.percentile(MANAGER_PERCENTILE) or 0) + 1)
    ceiling = max(manager + 1, (discounts.percentile(CEILING_PERCENTILE) or 0) + 1)
    return _Limits(min(rep, 98), min(manager, 99), min(ceiling, 100), discounts.n)


def _derived(
    section: dict[str, Any],
    buckets: Sequence[DealSizeDiscounts],
    overall: Histogram,
    current: PricingSpec | None,
    approvers: Approvers,
    evidence: Evidence,
    currency: str,
) -> None:
    limits = _limits(overall)
    split, small, large = _split(buckets)
    matrix_path = (*_PATH, "discount_matrix")
    evidence.note(
        matrix_path,
        f"From {count(overall.n)} won deals' quoted discounts: median under "
        f"{limits.rep}%, 80th percentile under {limits.manager}%, 95th percentile under "
        f"{limits.ceiling}%. A rep gives up to the median alone, a manager approves to the "
        "80th percentile, an executive to the 95th.",
    )
    per_size = None
    if split is not None and small.n >= MIN_DISCOUNTS and large.n >= MIN_DISCOUNTS:
        small_limits, large_limits = _limits(small), _limits(large)
        if (
            abs(small_limits.rep - large_limits.rep) >= SIZE_SPLIT_POINTS
            or abs(small_limits.manager - large_limits.manager) >= SIZE_SPLIT_POINTS
        ):
            per_size = (small_limits, large_limits)
    if per_size is None:
        section["discount_matrix"] = _bands(limits, None, "", current, approvers)
    else:
        assert split is not None
        # One ceiling for every size: the maximum discount is one number.
        ceiling = max(limits.ceiling, *(s.manager + 1 for s in per_size))
        small_limits, large_limits = (_Limits(s.rep, s.manager, ceiling, s.n) for s in per_size)
        section["discount_matrix"] = [
            *_bands(small_limits, {"up_to": split}, "_small", current, approvers),
            *_bands(large_limits, {"above": split}, "_large", current, approvers),
        ]
        for index, (name, band_limits) in enumerate(
            (("deals up to", small_limits), ("deals above", large_limits))
        ):
            evidence.note(
                (*matrix_path, index * 3),
                f"{name} {currency} {split:,}: {count(band_limits.n)} won deals, median under "
                f"{band_limits.rep}%, 80th percentile under {band_limits.manager}% - far enough "
                f"from the other size (>= {SIZE_SPLIT_POINTS} points) for bands of their own.",
            )
    ceiling = max(band["discount_percent"]["up_to"] for band in section["discount_matrix"])
    section["max_discount_percent"] = ceiling
    evidence.note(
        (*_PATH, "max_discount_percent"),
        f"Ceiling {ceiling}%: the 95th percentile; the rare deal beyond it is an exception.",
    )


def _split(
    buckets: Sequence[DealSizeDiscounts],
) -> tuple[int | None, Histogram, Histogram]:
    """The deal-size edge nearest the median won deal, and the discounts on either side."""
    ordered = sorted(buckets, key=lambda b: float("inf") if b.up_to is None else b.up_to)
    total = sum(b.discounts.n for b in ordered)
    seen = 0
    split: int | None = None
    for bucket in ordered:
        seen += bucket.discounts.n
        if seen * 2 >= total:
            split = bucket.up_to
            break
    if split is None:
        return None, Histogram(), Histogram()
    small, large = Histogram(), Histogram()
    for bucket in ordered:
        if bucket.up_to is not None and bucket.up_to <= split:
            small = small + bucket.discounts
        else:
            large = large + bucket.discounts
    return split, small, large


def _chain(current: PricingSpec | None, discount: float, fallback: list[str]) -> list[str]:
    """The approvers of the current band covering ``discount``, else ``fallback``."""
    if current is not None:
        for band in current.discount_matrix:
            if band.discount_percent.contains(discount) and band.approvers:
                return list(band.approvers)
    return list(fallback)


def _bands(
    limits: _Limits,
    deal_size: dict[str, int] | None,
    suffix: str,
    current: PricingSpec | None,
    approvers: Approvers,
) -> list[dict[str, Any]]:
    sized = {} if deal_size is None else {"deal_size": deal_size}
    manager = _chain(current, (limits.rep + limits.manager) / 2, approvers.manager)
    executive = _chain(current, (limits.manager + limits.ceiling) / 2, approvers.executive)
    if executive == manager:
        executive = _unique([*manager, *approvers.executive])
    return [
        {"id": f"rep{suffix}", "discount_percent": {"up_to": limits.rep}, **sized, "approvers": []},
        {
            "id": f"manager{suffix}",
            "discount_percent": {"above": limits.rep, "up_to": limits.manager},
            **sized,
            "approvers": manager,
        },
        {
            "id": f"executive{suffix}",
            "discount_percent": {"above": limits.manager, "up_to": limits.ceiling},
            **sized,
            "approvers": executive,
        },
    ]


def _unique(roles: list[str]) -> list[str]:
    return list(dict.fromkeys(roles))


_KEYS = (
    "max_discount_percent",
    "discount_matrix",
    "floors",
    "approval_expiry_days",
    "non_standard_terms",
)


def _ordered(section: dict[str, Any]) -> dict[str, Any]:
    return {key: section[key] for key in _KEYS if key in section}
