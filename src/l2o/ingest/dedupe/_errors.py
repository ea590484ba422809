"""What dedupe raises: a settings mistake, or a blocking rule that would compare too much."""

from __future__ import annotations

from l2o.errors import L2OError

__all__ = ["BlockingRuleTooBroad", "DedupeError"]


class DedupeError(L2OError):
    """Deduplication could not run: bad settings, missing columns, a refused blocking rule."""


class BlockingRuleTooBroad(DedupeError):
    """A blocking rule would create more comparisons than the configured cap.

    Raised *before* the rule runs, from Splink's estimate, naming the rule, the estimated
    count and the cap, so the user can tighten the rule (add a key) instead of filling a disk.
    """

    def __init__(self, record_type: str, rule: str, comparisons: int, cap: int) -> None:
        self.record_type = record_type
        self.rule = rule
        self.comparisons = comparisons
        self.cap = cap
        super().__init__(
            f"{record_type}: blocking rule {rule} would create about {comparisons:,} "
            f"comparisons, over the cap of {cap:,}; add a key to the rule (e.g. a first "
            f"initial or a company) or raise max_comparisons_per_rule"
        )
