"""Commercial lint: products nobody can price, segments nobody covers, territories that clash."""

from __future__ import annotations

from collections.abc import Iterator

from l2o.errors import SpecProblem
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.lint_rules._warning import warning

__all__ = ["commercial_gaps"]


def commercial_gaps(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    """Warnings for the commercial section."""
    commercial = spec.commercial
    if commercial is None or commercial.is_empty():
        return
    priced = {entry.product for book in commercial.price_books for entry in book.entries}
    for index, product in enumerate(commercial.products):
        if product.id not in priced:
            yield warning(
                f"commercial.products[{index}]",
                f"product '{product.id}' is in no price book: every quote is a custom price",
                rule="product_not_priced",
            )
    for index, segment in enumerate(commercial.segments):
        if not segment.coverage:
            yield warning(
                f"commercial.segments[{index}].coverage",
                f"segment '{segment.id}' has no coverage model: no role owns its accounts",
                rule="segment_without_coverage",
            )
    for name in ("products", "segments", "quotas"):
        if not getattr(commercial, name):
            yield warning(
                f"commercial.{name}", f"no {name} are defined", rule="commercial_part_missing"
            )
    if commercial.contract_terms is None:
        yield warning(
            "commercial.contract_terms",
            "no standard contract terms",
            rule="commercial_part_missing",
        )
    territories = commercial.territories
    for index, territory in enumerate(territories):
        for earlier in territories[:index]:
            shared = sorted(set(territory.countries) & set(earlier.countries))
            segments_meet = (
                not territory.segments
                or not earlier.segments
                or set(territory.segments) & set(earlier.segments)
            )
            if shared and segments_meet:
                yield warning(
                    f"commercial.territories[{index}]",
                    f"territory '{territory.id}' overlaps '{earlier.id}' in "
                    f"{', '.join(shared)}: an account there has two owners",
                    rule="territory_overlap",
                    hint="split the countries, or give each territory its own segments",
                )
