"""Where each proposed value came from: comment lines collected against spec paths.

A path is the key sequence into the spec mapping, e.g.
``("pipeline", "pipelines", 0, "stages", 2, "probability")``; the YAML writer puts each
path's lines as ``#`` comments above the key they explain.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

__all__ = ["Evidence", "SpecPath", "count", "money", "share"]

SpecPath = tuple[str | int, ...]
"""Keys and list indexes from the spec root to one value."""


@dataclass
class Evidence:
    """Comment lines per spec path, plus the lines that head the whole file."""

    header: list[str] = field(default_factory=list)
    _notes: dict[SpecPath, list[str]] = field(default_factory=dict)

    def note(self, path: SpecPath, text: str) -> None:
        """Explain the value at ``path`` (several notes on one path keep their order)."""
        self._notes.setdefault(path, []).append(" ".join(text.split()))

    def notes(self) -> Mapping[SpecPath, list[str]]:
        """Every path's notes."""
        return self._notes

    def under(self, prefix: SpecPath) -> Iterator[tuple[SpecPath, list[str]]]:
        """The notes at ``prefix`` and below it."""
        for path, lines in self._notes.items():
            if path[: len(prefix)] == prefix:
                yield path, lines

    def move(self, old: SpecPath, new: SpecPath) -> None:
        """Re-home the notes under ``old`` to ``new`` (a list item changed its index)."""
        moved = [(path, lines) for path, lines in self.under(old)]
        for path, _ in moved:
            del self._notes[path]
        for path, lines in moved:
            self._notes[new + path[len(old) :]] = lines


def count(n: int) -> str:
    """A count with thousands separators: ``1,234``."""
    return f"{n:,}"


def share(part: float, whole: float) -> str:
    """``part`` as a percentage of ``whole``: ``42%`` (``n/a`` when ``whole`` is 0)."""
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def money(amount: float, currency: str) -> str:
    """An amount in a readable size: ``USD 2.4M``, ``USD 35k``, ``USD 900``."""
    if amount >= 1_000_000:
        return f"{currency} {amount / 1_000_000:.1f}M"
    if amount >= 10_000:
        return f"{currency} {amount / 1_000:.0f}k"
    return f"{currency} {amount:,.0f}"
