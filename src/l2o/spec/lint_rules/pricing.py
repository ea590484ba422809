"""Pricing lint: discount bands that overlap or can never apply, approvals that never lapse."""

from __future__ import annotations

from collections.abc import Iterator

from l2o.errors import SpecProblem
from l2o.spec._base import NumberRange
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.lint_rules._warning import warning
from l2o.spec.pricing import DiscountBand

__all__ = ["pricing_gaps"]

_ANY = NumberRange()


def _axes(band: DiscountBand) -> tuple[NumberRange, NumberRange, NumberRange]:
    size = band.deal_size.as_numbers() if band.deal_size else _ANY
    return band.discount_percent, size, band.term_months or _ANY


def pricing_gaps(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    """Warnings for the pricing section."""
    pricing = spec.pricing
    if pricing is None or pricing.is_empty():
        return
    bands = pricing.discount_matrix
    if not bands:
        yield warning(
            "pricing.discount_matrix",
            "no discount authority matrix: any rep can give any discount",
            rule="no_discount_matrix",
        )
        return
    yield from _band_conflicts(bands)
    ceiling = pricing.max_discount_percent
    if ceiling is None:
        yield warning(
            "pricing.max_discount_percent",
            "no maximum discount: the top band has no ceiling",
            rule="no_max_discount",
        )
    else:
        for index, band in enumerate(bands):
            above = band.discount_percent.above
            if above is not None and above >= ceiling:
                yield warning(
                    f"pricing.discount_matrix[{index}].discount_percent",
                    f"band '{band.id}' starts above the {ceiling}% maximum discount: "
                    "it can never apply",
                    rule="discount_band_unreachable",
                )
        tops = [band.discount_percent.up_to for band in bands]
        highest = None if None in tops else max(t for t in tops if t is not None)
        if highest is not None and highest < ceiling:
            yield warning(
                "pricing.discount_matrix",
                f"discounts above {highest}% (up to the {ceiling}% maximum) have no band, "
                "so nobody can approve them",
                rule="discount_band_gap",
            )
    if pricing.approval_expiry_days is None and any(band.approvers for band in bands):
        yield warning(
            "pricing.approval_expiry_days",
            "approvals never expire: a discount approved last quarter still applies",
            rule="approval_without_expiry",
        )
    for index, band in enumerate(bands):
        repeated = sorted({role for role in band.approvers if band.approvers.count(role) > 1})
        if repeated:
            yield warning(
                f"pricing.discount_matrix[{index}].approvers",
                f"band '{band.id}' asks {', '.join(repeated)} to approve twice",
                rule="approval_chain_repeats_role",
            )


def _band_conflicts(bands: list[DiscountBand]) -> Iterator[SpecProblem]:
    """Bands apply first-match: one inside an earlier band never applies, a partial overlap
    makes the order decide who approves."""
    for index, band in enumerate(bands):
        axes = _axes(band)
        for earlier in bands[:index]:
            earlier_axes = _axes(earlier)
            if all(e.covers(a) for e, a in zip(earlier_axes, axes, strict=True)):
                yield warning(
                    f"pricing.discount_matrix[{index}]",
                    f"band '{band.id}' can never apply: band '{earlier.id}' before it covers "
                    "every deal it would",
                    rule="discount_band_unreachable",
                )
                break
            if all(e.overlaps(a) for e, a in zip(earlier_axes, axes, strict=True)):
                yield warning(
                    f"pricing.discount_matrix[{index}]",
                    f"band '{band.id}' overlaps band '{earlier.id}': some deals match both, "
                    "and only the first applies",
                    rule="discount_band_overlap",
                    hint="make discount, deal-size or term bands meet without overlapping",
                )
                break
