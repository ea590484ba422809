"""ICP lint: tiers that match everyone, ranks that tie, no buying personas."""

from __future__ import annotations

from collections.abc import Iterator

from l2o.errors import SpecProblem
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.lint_rules._warning import warning

__all__ = ["icp_gaps"]


def icp_gaps(spec: ArchitectureSpec) -> Iterator[SpecProblem]:
    """Warnings for the ICP section."""
    icp = spec.icp
    if icp is None or icp.is_empty():
        return
    if not icp.tiers:
        yield warning(
            "icp.tiers",
            "no ICP tier is defined: every account is equally a fit",
            rule="icp_without_tiers",
        )
    ranks: dict[int, str] = {}
    for index, tier in enumerate(icp.tiers):
        path = f"icp.tiers[{index}]"
        if tier.criteria.is_empty():
            yield warning(
                f"{path}.criteria",
                f"tier '{tier.id}' has no firmographic criteria: every account matches it",
                rule="icp_tier_without_criteria",
                hint="add industries, employee or revenue bands, countries or technologies",
            )
        if tier.rank in ranks:
            yield warning(
                f"{path}.rank",
                f"tier '{tier.id}' has the same rank ({tier.rank}) as tier '{ranks[tier.rank]}'",
                rule="icp_tier_rank_tie",
                hint="rank tiers 1, 2, 3... so an account that fits both lands in one",
            )
        ranks.setdefault(tier.rank, tier.id)
    if icp.tiers and not icp.personas:
        yield warning(
            "icp.personas",
            "no buying personas: contacts cannot be mapped to buying roles",
            rule="icp_without_personas",
            hint="map title patterns to economic_buyer, champion, technical_buyer...",
        )
    if icp.tiers and not icp.disqualifiers:
        yield warning(
            "icp.disqualifiers",
            "no disqualifiers: nothing keeps bad-fit accounts out of the pipeline",
            rule="icp_without_disqualifiers",
        )
