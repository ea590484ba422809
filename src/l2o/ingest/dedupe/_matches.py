"""What dedupe finds: pairs of records that are the same, and the clusters they form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DuplicateMatch", "clusters"]


@dataclass(frozen=True, order=True)
class DuplicateMatch:
    """Two records of one type judged to be the same, with how sure and why.

    ``left_id < right_id`` always (a pair has one spelling). ``match_probability`` is 1.0
    for exact keys and Splink's posterior probability otherwise; ``rule`` names what paired
    them: ``exact:email``, ``exact:domain``, ``exact:source_id`` or the Splink blocking rule
    that generated the comparison, e.g. ``splink:block_on(first_name, last_name)``.
    """

    record_type: str
    left_id: str
    right_id: str
    match_probability: float
    rule: str

    @classmethod
    def of(
        cls, record_type: str, a: str, b: str, match_probability: float, rule: str
    ) -> DuplicateMatch:
        """A match between ``a`` and ``b`` in either order."""
        left, right = (a, b) if a < b else (b, a)
        return cls(record_type, left, right, float(match_probability), rule)

    @property
    def pair(self) -> tuple[str, str]:
        """The two record ids, smaller first."""
        return (self.left_id, self.right_id)


def clusters(matches: Iterable[DuplicateMatch]) -> list[list[str]]:
    """Groups of record ids linked by ``matches`` (transitively), each sorted, largest first.

    >>> m = [DuplicateMatch.of("leads", "a", "b", 1.0, "exact:email"),
    ...      DuplicateMatch.of("leads", "c", "b", 0.97, "splink:block_on(phone)")]
    >>> clusters(m)
    [['a', 'b', 'c']]
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for match in matches:
        a, b = root(match.left_id), root(match.right_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for record_id in parent:
        groups.setdefault(root(record_id), []).append(record_id)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))
