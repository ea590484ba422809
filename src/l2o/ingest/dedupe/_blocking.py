"""The blocking guard: estimate each rule's comparisons before running it; tighten or refuse.

A blocking rule on a common value (every Smith against every Smith) grows with the square of
the records sharing it: on a million leads a surname-only rule makes billions of pairs, and
DuckDB spills tens of gigabytes to disk scoring them. So before Splink runs, each rule's
comparisons are counted with Splink's own blocking analysis
(``splink.blocking_analysis.count_comparisons_from_blocking_rules``). A rule over its
budget - ``comparisons_per_record`` (50) per record, at least ``min_comparisons_budget`` (1M),
at most ``max_comparisons_per_rule`` (50M) - is tightened with its ``tighten_with`` keys, one
at a time; one still over the hard cap ``max_comparisons_per_rule`` is refused with
``BlockingRuleTooBroad`` naming the rule and its count. The budget grows with the records
because scoring time does: a surname rule making 17M comparisons on 100k leads took 60-90 s
of a 120 s import and found 20 more pairs than the other rules (all of them found again by the
tightened rule: recall unchanged on a simulated company's known duplicates).

Counting on large inputs samples records on both sides of the join (Splink's
``record_sample_proportion``) and scales the count back up. The proportion is chosen so the
sampled join is at most ``SAMPLED_PAIRS_BUDGET`` pairs even for a cartesian rule, so the
estimate itself can never explode; inputs small enough are counted exactly.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from splink import block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from l2o.ingest.dedupe._errors import BlockingRuleTooBroad
from l2o.ingest.dedupe._prepare import ID_COLUMN
from l2o.ingest.dedupe._settings import BlockingRule, DedupeSettings

__all__ = ["SAMPLED_PAIRS_BUDGET", "BlockingEstimate", "guard_blocking_rules"]

#: Most pairs the estimate may form on its sample (a cartesian rule included).
SAMPLED_PAIRS_BUDGET = 20_000_000


@dataclass(frozen=True)
class BlockingEstimate:
    """A rule as it will run, with its estimated comparisons and where it came from.

    ``tightened_from`` is the configured rule when the guard had to add keys to it;
    ``exact`` says whether the count is exact (small input) or a sampled estimate.
    """

    rule: BlockingRule
    comparisons: int
    exact: bool
    tightened_from: str | None = None

    def __str__(self) -> str:
        how = "" if self.exact else "about "
        text = f"{self.rule.name}: {how}{self.comparisons:,} comparisons"
        if self.tightened_from:
            text += f" (tightened from {self.tightened_from})"
        return text


def sample_proportion(records: int) -> float:
    """The share of records to sample on each side so the estimate stays within budget."""
    cartesian = records * (records - 1) / 2
    if cartesian <= SAMPLED_PAIRS_BUDGET:
        return 1.0
    return max(1e-4, min(1.0, math.sqrt(SAMPLED_PAIRS_BUDGET / cartesian)))


def estimate_comparisons(table: object, rule: BlockingRule, proportion: float) -> int:
    """Splink's count of the comparisons ``rule`` creates on ``table`` (a SplinkDataFrame)."""
    with warnings.catch_warnings():
        # Splink warns when a sample holds few pairs; a small count is all the guard needs.
        warnings.simplefilter("ignore", UserWarning)
        [record] = count_comparisons_from_blocking_rules(
            table,  # type: ignore[arg-type]
            blocking_rules=[block_on(*rule.keys)],
            link_type="dedupe_only",
            unique_id_column_name=ID_COLUMN,
            record_sample_proportion=proportion,
        )
    return int(record["marginal_comparison_count"])


def guard_blocking_rules(
    table: object, settings: DedupeSettings, records: int
) -> list[BlockingEstimate]:
    """The rules to run, each within the cap: as configured, tightened, or refused.

    ``table`` is the prepared records registered with Splink; ``records`` its row count.
    Raises ``BlockingRuleTooBroad`` for the first rule that cannot be brought under the cap.
    """
    proportion = sample_proportion(records)
    cap = settings.max_comparisons_per_rule
    budget = settings.comparisons_budget(records)
    guarded: list[BlockingEstimate] = []
    for configured in settings.blocking_rules:
        rule = configured
        count = estimate_comparisons(table, rule, proportion)
        while count > budget and rule.tighten_with:
            rule = rule.tightened(rule.tighten_with[0])
            count = estimate_comparisons(table, rule, proportion)
        tightened_from = configured.name if rule != configured else None
        if count > cap:
            name = f"{rule.name} (tightened from {tightened_from})" if tightened_from else rule.name
            raise BlockingRuleTooBroad(settings.record_type, name, count, cap)
        guarded.append(BlockingEstimate(rule, count, proportion >= 1.0, tightened_from))
    return guarded
