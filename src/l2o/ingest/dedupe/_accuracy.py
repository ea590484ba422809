"""Precision, recall and F1 of found duplicate pairs against a known truth."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import TypeVar

__all__ = ["LinkageScore", "pairs_from_clusters", "score_pairs"]

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class LinkageScore:
    """How found pairs compare with true pairs: counts, precision, recall and F1.

    Computed over unordered record pairs: a cluster of n records is n(n-1)/2 pairs.
    """

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """Share of found pairs that are true (1.0 when nothing was found)."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs that were found (1.0 when there are none)."""
        true = self.true_positives + self.false_negatives
        return self.true_positives / true if true else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pairs_from_clusters(groups: Iterable[Iterable[K]]) -> set[tuple[K, K]]:
    """Every unordered pair inside each group, smaller id first.

    >>> sorted(pairs_from_clusters([["a", "b", "c"], ["d"]]))
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    pairs: set[tuple[K, K]] = set()
    for group in groups:
        members = sorted(set(group))  # type: ignore[type-var]
        pairs.update(combinations(members, 2))
    return pairs


def score_pairs(found: Iterable[tuple[K, K]], true: Iterable[tuple[K, K]]) -> LinkageScore:
    """Score ``found`` pairs against ``true`` pairs (order within a pair does not matter)."""
    found_set = {tuple(sorted(p)) for p in found}  # type: ignore[type-var]
    true_set = {tuple(sorted(p)) for p in true}  # type: ignore[type-var]
    hits = len(found_set & true_set)
    return LinkageScore(hits, len(found_set) - hits, len(true_set) - hits)
