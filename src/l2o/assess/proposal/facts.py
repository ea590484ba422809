"""What the proposal reads from a company's data: small, pre-aggregated facts, no records.

The store side (``l2o.services.proposal_facts``) reduces millions of rows to these counts and
histograms with set-based queries; everything here is plain data the pure derivation can
reason about and a test can write by hand::

    ProposalFacts(
        closed_deals=412, won_deals=151,
        industries=(Outcome("Software", won=60, lost=40, won_revenue=2_400_000.0),),
        stages=(StageFacts("sales", "discovery", reached=412, won=151, mean_position=1.0,
                           days_in_stage=Histogram(((3, 120), (10, 200), (30, 92)))),),
    )

Durations and discounts arrive as histograms of whole values (days, percent points), so a
percentile costs nothing however many deals there are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "DEAL_SIZE_EDGES",
    "EMPLOYEE_BANDS",
    "DealSizeDiscounts",
    "EmployeeBandOutcome",
    "Histogram",
    "Outcome",
    "PipelineFacts",
    "ProposalFacts",
    "RenewalFacts",
    "StageFacts",
]

EMPLOYEE_BANDS: tuple[tuple[int | None, int | None], ...] = (
    (None, 50),
    (50, 200),
    (200, 1000),
    (1000, 5000),
    (5000, None),
)
"""Employee-count bands ``above < employees <= up_to`` the ICP is read in (``None`` = open)."""

DEAL_SIZE_EDGES: tuple[int, ...] = (5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000)
"""Upper edges of the deal-amount buckets discounts are counted in (the last is open)."""


@dataclass(frozen=True)
class Histogram:
    """Counts of whole values, e.g. ``((3, 120), (4, 80))``: 120 stays of 3 days, 80 of 4."""

    counts: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of(cls, values: Iterable[tuple[int, int]]) -> Histogram:
        """A histogram from ``(value, count)`` pairs in any order, merging repeated values."""
        merged: dict[int, int] = {}
        for value, count in values:
            if count > 0:
                merged[value] = merged.get(value, 0) + count
        return cls(tuple(sorted(merged.items())))

    @property
    def n(self) -> int:
        """How many observations the histogram holds."""
        return sum(count for _, count in self.counts)

    def percentile(self, q: float) -> int | None:
        """The nearest-rank ``q``-th percentile (``q`` in 0-1), or ``None`` when empty."""
        total = self.n
        if total == 0:
            return None
        rank = max(1, math.ceil(q * total))
        seen = 0
        for value, count in self.counts:
            seen += count
            if seen >= rank:
                return value
        return self.counts[-1][0]

    def __add__(self, other: Histogram) -> Histogram:
        return Histogram.of((*self.counts, *other.counts))


@dataclass(frozen=True)
class Outcome:
    """Closed deals of one firmographic value (an industry, a country): won, lost, won revenue."""

    value: str
    won: int
    lost: int
    won_revenue: float = 0.0

    @property
    def closed(self) -> int:
        """Deals with an outcome."""
        return self.won + self.lost

    @property
    def win_rate(self) -> float:
        """Won over closed (0 when nothing closed)."""
        return self.won / self.closed if self.closed else 0.0


@dataclass(frozen=True)
class EmployeeBandOutcome:
    """Closed deals of accounts in one :data:`EMPLOYEE_BANDS` band."""

    above: int | None
    up_to: int | None
    won: int
    lost: int
    won_revenue: float = 0.0

    @property
    def label(self) -> str:
        """The band as people say it, e.g. ``51-200 employees``."""
        if self.above is None:
            return f"up to {self.up_to} employees"
        if self.up_to is None:
            return f"over {self.above} employees"
        return f"{self.above + 1}-{self.up_to} employees"

    def as_outcome(self) -> Outcome:
        """The band's counts as an :class:`Outcome` named by its label."""
        return Outcome(self.label, self.won, self.lost, self.won_revenue)


@dataclass(frozen=True)
class StageFacts:
    """What the stage history says about one stage of one pipeline.

    ``reached`` counts closed deals that ever entered the stage and ``won`` those of them that
    were won; ``days_in_stage`` holds the length of every completed stay (the deal moved on);
    ``mean_position`` is the stage's mean place in its deals' histories (ordering stages a
    spec does not); ``final_*`` count deals whose current stage it is, by outcome.
    """

    pipeline: str
    stage: str
    reached: int = 0
    won: int = 0
    mean_position: float = 0.0
    days_in_stage: Histogram = field(default_factory=Histogram)
    final_won: int = 0
    final_lost: int = 0
    final_open: int = 0


@dataclass(frozen=True)
class PipelineFacts:
    """One pipeline in the data: its deals by type, and how many of them closed."""

    id: str
    deal_types: Mapping[str, int]
    closed: int

    @property
    def deal_type(self) -> str:
        """The most common deal type (``new_business`` when none is recorded)."""
        if not self.deal_types:
            return "new_business"
        return max(sorted(self.deal_types), key=lambda kind: self.deal_types[kind])


@dataclass(frozen=True)
class DealSizeDiscounts:
    """Discounts (percent points, whole) on won deals whose amount is ``<= up_to``
    (and above the previous bucket's edge); ``up_to=None`` is the open top bucket."""

    up_to: int | None
    discounts: Histogram


@dataclass(frozen=True)
class RenewalFacts:
    """Renewal deals: how long they took from opening to close, and how many closed in time.

    ``cycle_days`` covers closed renewal deals; ``renewed`` counts renewal contracts whose deal
    closed, ``closed_before_term_end`` those that closed on or before the old term's end.
    """

    cycle_days: Histogram = field(default_factory=Histogram)
    renewed: int = 0
    closed_before_term_end: int = 0


@dataclass(frozen=True)
class ProposalFacts:
    """Everything the proposed architecture is derived from, aggregated from the store."""

    currency: str | None = None
    closed_deals: int = 0
    won_deals: int = 0
    industries: tuple[Outcome, ...] = ()
    employee_bands: tuple[EmployeeBandOutcome, ...] = ()
    countries: tuple[Outcome, ...] = ()
    pipelines: tuple[PipelineFacts, ...] = ()
    stages: tuple[StageFacts, ...] = ()
    discounts: tuple[DealSizeDiscounts, ...] = ()
    renewals: RenewalFacts = field(default_factory=RenewalFacts)

    def stage(self, pipeline: str, stage: str) -> StageFacts | None:
        """The facts of ``stage`` in ``pipeline``, if the data has any."""
        for facts in self.stages:
            if facts.pipeline == pipeline and facts.stage == stage:
                return facts
        return None

    def stages_of(self, pipeline: str) -> list[StageFacts]:
        """Every stage the data shows in ``pipeline``, in their usual order."""
        found = [facts for facts in self.stages if facts.pipeline == pipeline]
        return sorted(found, key=lambda facts: (facts.mean_position, facts.stage))
