"""Feature levels: every feature value becomes one of a few levels, learned on training data.

A category keeps the values seen at least ``min_count`` times (case-folded, trimmed); rarer
ones fall into ``other``, blanks into ``missing``. A number is cut at the quantiles of its
training values into at most ``n_bins`` bins, blanks into ``missing``. The levels are what
the naive-Bayes frequencies and the logistic model's one-hot weights are indexed by, and what
the compiled scorer looks values up in - with the same code here, so a compiled model reads a
record exactly as the model it came from did. NumPy only: no scikit-learn at scoring time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["FeatureLevels", "learn_levels"]

MISSING = "missing"
OTHER = "other"


def _category(value: Any) -> str | None:
    """A category value as compared: trimmed and case-folded; ``None`` when blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    text = str(value).strip().casefold()
    return text or None


def _number(value: Any) -> float:
    if value is None or value == "":
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


@dataclass(frozen=True)
class FeatureLevels:
    """How one feature's values map to levels ``0 .. len(labels) - 1`` (the last is missing).

    Categories: ``values`` maps each kept value to its level; unkept values are ``other``
    (the level before missing). Numbers: ``edges`` are the cut points; a value's level is the
    number of edges at or below it.
    """

    name: str
    kind: Literal["category", "number"]
    labels: tuple[str, ...]
    values: tuple[str, ...] = ()
    edges: tuple[float, ...] = ()

    @property
    def size(self) -> int:
        """How many levels (including ``other`` and ``missing``)."""
        return len(self.labels)

    def code(self, value: Any) -> int:
        """The level of one value."""
        missing = self.size - 1
        if self.kind == "number":
            number = _number(value)
            if math.isnan(number):
                return missing
            return int(np.searchsorted(np.asarray(self.edges), number, side="right"))
        text = _category(value)
        if text is None:
            return missing
        try:
            return self.values.index(text)
        except ValueError:
            return missing - 1

    def codes(self, column: np.ndarray | Sequence[Any]) -> npt.NDArray[np.int64]:
        """The level of every value in ``column``."""
        missing = self.size - 1
        if self.kind == "number":
            numbers = np.array([_number(v) for v in column], dtype=np.float64)
            found = np.searchsorted(np.asarray(self.edges), numbers, side="right")
            return np.where(np.isnan(numbers), missing, found).astype(np.int64)
        index = {value: i for i, value in enumerate(self.values)}
        out = np.empty(len(column), dtype=np.int64)
        for i, value in enumerate(column):
            text = _category(value)
            out[i] = missing if text is None else index.get(text, missing - 1)
        return out

    def to_json(self) -> dict[str, Any]:
        """The levels as plain JSON."""
        return {
            "name": self.name,
            "kind": self.kind,
            "labels": list(self.labels),
            "values": list(self.values),
            "edges": list(self.edges),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureLevels:
        """Levels saved by :meth:`to_json`."""
        return cls(
            name=str(data["name"]),
            kind="number" if data["kind"] == "number" else "category",
            labels=tuple(str(x) for x in data["labels"]),
            values=tuple(str(x) for x in data.get("values", ())),
            edges=tuple(float(x) for x in data.get("edges", ())),
        )


def learn_levels(
    name: str,
    kind: Literal["category", "number"],
    column: np.ndarray | Sequence[Any],
    *,
    min_count: int = 20,
    n_bins: int = 5,
) -> FeatureLevels:
    """The levels of a feature learned from its training ``column``.

    >>> learn_levels("employees", "number", [10, 50, 200, 1000, 5000, None], n_bins=2).labels
    ('below 200', '200 and above', 'missing')
    """
    if kind == "number":
        numbers = np.array([_number(v) for v in column], dtype=np.float64)
        known = numbers[~np.isnan(numbers)]
        edges: tuple[float, ...] = ()
        if known.size:
            cuts = np.quantile(known, np.linspace(0, 1, n_bins + 1)[1:-1])
            edges = tuple(float(x) for x in np.unique(cuts) if x > known.min())
        return FeatureLevels(name, "number", (*_bin_labels(edges), MISSING), edges=edges)
    counts = Counter(text for text in map(_category, column) if text is not None)
    kept = tuple(sorted(value for value, n in counts.items() if n >= min_count))
    return FeatureLevels(name, "category", (*kept, OTHER, MISSING), values=kept)


def _bin_labels(edges: tuple[float, ...]) -> list[str]:
    if not edges:
        return ["any"]
    labels = [f"below {edges[0]:,.4g}"]
    labels += [f"{lo:,.4g} to {hi:,.4g}" for lo, hi in pairwise(edges)]
    labels.append(f"{edges[-1]:,.4g} and above")
    return labels
