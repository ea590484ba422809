"""Reasons: how every engine decision explains itself to the person who reads it.

A reason names the spec rule it comes from (``rule``), says what happened in words
(``text``) and, where the rule adds points, how many (``points``)::

    Reason("icp.industry", "industry software in tier_1 industries +30", 30.0)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Reason", "render", "signed", "words_kept"]

#: Explanations kept per cache before they are worked out afresh.
WORDS_KEPT = 4_096

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of an explanation: the rule it comes from, the words, and any points."""

    rule: str
    text: str
    points: float | None = None

    def __str__(self) -> str:
        return self.text


def signed(points: float) -> str:
    """Points as people write them: ``+20``, ``-10``, ``+7.5``."""
    rounded = round(points, 1)
    number = f"{rounded:g}" if rounded != int(rounded) else f"{int(rounded)}"
    return number if rounded < 0 else f"+{number}"


def render(reasons: Iterable[Reason]) -> str:
    """The reasons as one readable line, e.g. ``industry software +30, country US +15``."""
    return ", ".join(reason.text for reason in reasons)


def words_kept(kept: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """``kept[key]``, made by ``make`` the first time: the same few explanation lines recur
    for every lead, so each is worked out once. At ``WORDS_KEPT`` entries the cache starts
    afresh, so odd values cannot grow it without bound."""
    value = kept.get(key)
    if value is None:
        if len(kept) >= WORDS_KEPT:
            kept.clear()
        value = kept[key] = make()
    return value
