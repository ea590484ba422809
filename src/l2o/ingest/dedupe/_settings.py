"""Dedupe settings as data: what to prepare, compare and block on, per record type.

A ``DedupeSettings`` is a plain, validated value (pydantic, ``extra="forbid"``, frozen), so
it can be written as YAML or JSON, compared and versioned. It is validated once, when made:
every column a comparison, blocking rule or exact key names must be one the settings
prepare, so a typo fails at load time and not halfway through a linkage.

Blocking keys are column names or SQL expressions over them in DuckDB's dialect, e.g.
``"substr(first_name, 1, 1)"``; a rule pairs the records whose keys are all equal.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "BlockingRule",
    "Comparison",
    "DedupeSettings",
    "PreparedColumn",
    "Training",
]

#: How a record field is turned into a match column (see ``_prepare``).
Standardizer = Literal["text", "lower", "email", "email_domain", "phone", "company", "domain"]

#: The Splink comparison each kind stands for (see ``_linkage``).
ComparisonKind = Literal["name", "email", "exact", "jaro_winkler", "levenshtein", "date_of_birth"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SQL_WORDS = frozenset({"substr", "substring", "left", "right", "lower", "upper", "trim", "and"})


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PreparedColumn(_Frozen):
    """A match column made from one record field, e.g. ``email`` lower-cased for matching."""

    name: str = Field(pattern=_IDENTIFIER.pattern)
    source: str
    standardizer: Standardizer = "text"


class Comparison(_Frozen):
    """One Splink comparison on a prepared column.

    ``thresholds`` are similarity levels for ``jaro_winkler`` (e.g. ``(0.95, 0.88)``) or edit
    distances for ``levenshtein`` (e.g. ``(1, 2)``); other kinds ignore them.
    ``term_frequency`` weighs rare values more than common ones (Smith vs Wojciechowski).
    """

    column: str
    kind: ComparisonKind
    thresholds: tuple[float, ...] = ()
    term_frequency: bool = False


class BlockingRule(_Frozen):
    """Pairs of records to compare: those whose ``keys`` are all equal.

    ``tighten_with`` lists keys to add, one at a time, when the rule's estimated
    comparisons exceed the cap (e.g. ``last_name`` tightened with the first initial); a rule
    still over the cap with nothing left to add is refused.
    """

    keys: tuple[str, ...] = Field(min_length=1)
    tighten_with: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The rule as people read it: ``block_on(last_name, substr(first_name, 1, 1))``."""
        return f"block_on({', '.join(self.keys)})"

    def tightened(self, key: str) -> BlockingRule:
        """This rule with one more key, and that key no longer available to tighten with."""
        rest = tuple(k for k in self.tighten_with if k != key)
        return BlockingRule(keys=(*self.keys, key), tighten_with=rest)


class Training(_Frozen):
    """How the model's parameters are estimated from the data itself (no labels needed).

    ``deterministic_rules`` (keys that almost only pair true duplicates) and their assumed
    ``recall`` estimate the prior; ``u`` comes from random pairs; ``m`` from expectation
    maximisation over the pairs each of ``em_blocking`` makes: all of them up to about
    ``em_max_pairs``, past that a sample of that many (on a simulated company's 85,520
    accounts, 1e6 pairs instead of every pair found the same matches in 6 s instead of 86 s;
    docs/dedupe.md). A rule's pairs are counted exactly up to ``em_count_exactly_up_to``
    records, past that estimated from a 1% sample of them.
    """

    deterministic_rules: tuple[tuple[str, ...], ...] = ()
    recall: float = Field(default=0.7, gt=0, le=1)
    u_max_pairs: float = Field(default=1e6, gt=0)
    em_blocking: tuple[tuple[str, ...], ...] = ()
    em_count_exactly_up_to: int = Field(default=200_000, ge=0)
    em_max_pairs: float = Field(default=1e6, gt=0)
    seed: int = 1


class DedupeSettings(_Frozen):
    """Everything dedupe needs for one record type; validated once, when made.

    >>> s = settings_for("leads")                      # doctest: +SKIP
    >>> s.model_copy(update={"threshold": 0.95})       # doctest: +SKIP
    """

    record_type: str
    prepare: tuple[PreparedColumn, ...] = Field(min_length=1)
    exact_keys: tuple[str, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    blocking_rules: tuple[BlockingRule, ...] = ()
    training: Training = Training()
    threshold: float = Field(default=0.9, gt=0, le=1)
    max_comparisons_per_rule: int = Field(default=50_000_000, gt=0)
    comparisons_per_record: int = Field(default=50, gt=0)
    min_comparisons_budget: int = Field(default=1_000_000, gt=0)
    min_records_for_linkage: int = Field(default=50, ge=2)

    def comparisons_budget(self, records: int) -> int:
        """Comparisons a rule may make on ``records`` before it is tightened (when it has
        keys to add): ``comparisons_per_record`` per record, at least
        ``min_comparisons_budget``, at most ``max_comparisons_per_rule``."""
        scaled = max(self.min_comparisons_budget, self.comparisons_per_record * records)
        return min(self.max_comparisons_per_rule, scaled)

    @property
    def columns(self) -> tuple[str, ...]:
        """The prepared match columns, in order."""
        return tuple(c.name for c in self.prepare)

    @property
    def source_fields(self) -> tuple[str, ...]:
        """The record fields the preparation reads."""
        return tuple(dict.fromkeys(c.source for c in self.prepare))

    @model_validator(mode="after")
    def _names_known_columns(self) -> DedupeSettings:
        known = set(self.columns)
        problems: list[str] = []
        if len(known) != len(self.prepare):
            problems.append("prepare: a column name is used twice")

        def check(where: str, expression: str) -> None:
            for word in _IDENTIFIER.findall(expression):
                if word.lower() not in _SQL_WORDS and word not in known:
                    problems.append(f"{where}: {word!r} is not a prepared column")

        for key in self.exact_keys:
            if key not in known:
                problems.append(f"exact_keys: {key!r} is not a prepared column")
        for i, comparison in enumerate(self.comparisons):
            check(f"comparisons[{i}].column", comparison.column)
        for i, rule in enumerate(self.blocking_rules):
            for key in (*rule.keys, *rule.tighten_with):
                check(f"blocking_rules[{i}]", key)
        for i, keys in enumerate(self.training.deterministic_rules):
            for key in keys:
                check(f"training.deterministic_rules[{i}]", key)
        for i, keys in enumerate(self.training.em_blocking):
            for key in keys:
                check(f"training.em_blocking[{i}]", key)
        if self.comparisons and not self.blocking_rules:
            problems.append("blocking_rules: comparisons need at least one blocking rule")
        if problems:
            raise ValueError(f"{self.record_type} dedupe settings: " + "; ".join(problems))
        return self
