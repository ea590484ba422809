"""What an import did, per record type: rows read, inserted, updated, unchanged, merged,
quarantined - counts that always add up to the rows read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ImportSummary", "TypeCounts"]

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
class ImportSummary:
    """The outcome of one import batch: its id, counts per record type, and warnings.

    ``warnings`` name files and columns the source had but this import left out (never
    rows: a row is always counted).
    """

    batch_id: str
    source_system: str
    by_type: dict[str, TypeCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

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
        """``{"batch_id", "read", "inserted", ..., "by_type": {TYPE: {counts}}}``."""
        return {
            "batch_id": self.batch_id,
            "source": self.source_system,
            **self.total.as_dict(),
            "by_type": {name: counts.as_dict() for name, counts in self.by_type.items()},
            "warnings": list(self.warnings),
        }
