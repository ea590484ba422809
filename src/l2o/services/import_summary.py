"""What an import did, per record type: rows read, inserted, updated, unchanged, merged,
quarantined - counts that always add up to the rows read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ImportSummary", "RulesApplied", "TypeCounts"]

COUNT_NAMES = ("read", "inserted", "updated", "unchanged", "merged", "quarantined")


@dataclass
class TypeCounts:
    """Where the rows of one record type went. ``unchanged``: stored already, same values."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    quarantined: int = 0

    @property
    def adds_up(self) -> bool:
        """Every row read is accounted for exactly once."""
        return self.read == (
            self.inserted + self.updated + self.unchanged + self.merged + self.quarantined
        )

    def add(self, other: TypeCounts) -> None:
        """Add ``other``'s counts to these."""
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        """The counts by name, in the order they are shown."""
        return {name: getattr(self, name) for name in COUNT_NAMES}


@dataclass
class RulesApplied:
    """What the architecture's rules did to a batch: leads scored and staged, stage moves
    of stored deals checked by their gates and refused (those rows are quarantined)."""

    leads_scored: int = 0
    moves_checked: int = 0
    moves_refused: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts by name."""
        return {
            "leads_scored": self.leads_scored,
            "moves_checked": self.moves_checked,
            "moves_refused": self.moves_refused,
        }


@dataclass
class ImportSummary:
    """The outcome of one import batch: its id, counts per record type, and warnings.

    ``warnings`` name files and columns the source had but this import left out (never
    rows: a row is always counted). ``rules`` is what the architecture's rules did, ``None``
    when the import ran without a spec (rows written as the file gave them).
    """

    batch_id: str
    source_system: str
    by_type: dict[str, TypeCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rules: RulesApplied | None = None

    def counts(self, record_type: str) -> TypeCounts:
        """The counts of ``record_type`` (created empty on first use)."""
        return self.by_type.setdefault(record_type, TypeCounts())

    @property
    def total(self) -> TypeCounts:
        """The counts over every record type."""
        total = TypeCounts()
        for counts in self.by_type.values():
            total.add(counts)
        return total

    def to_json(self) -> dict[str, Any]:
        """``{"batch_id", "read", "inserted", ..., "by_type": {TYPE: {counts}}, "rules"}``;
        ``rules`` is ``{"leads_scored", "moves_checked", "moves_refused"}`` or ``null``."""
        return {
            "batch_id": self.batch_id,
            "source": self.source_system,
            **self.total.as_dict(),
            "by_type": {name: counts.as_dict() for name, counts in self.by_type.items()},
            "warnings": list(self.warnings),
            "rules": self.rules.as_dict() if self.rules is not None else None,
        }
