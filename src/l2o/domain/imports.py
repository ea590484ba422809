"""Import batches and the rows they could not accept (quarantine).

Every row an import reads ends either in the store or in quarantine with its reason, so a
batch's counts add up:
``rows_read == inserted + updated + unchanged + merged + quarantined``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from l2o.domain.base import Record, as_utc, new_id, utc_now

__all__ = ["ImportBatch", "ImportStatus", "QuarantinedRow"]


class ImportStatus(StrEnum):
    """A batch runs, then completes or fails."""

    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(kw_only=True, eq=False)
class ImportBatch(Record):
    """One run of an importer over one source (a file, an API pull)."""

    id: str = dataclasses.field(default_factory=new_id)
    source_system: str
    source_name: str | None = None
    started_at: datetime = dataclasses.field(default_factory=utc_now)
    finished_at: datetime | None = None
    status: ImportStatus = ImportStatus.RUNNING
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_merged: int = 0
    rows_quarantined: int = 0
    error: str | None = None

    @property
    def counts_add_up(self) -> bool:
        """Every row read is accounted for: stored (new, changed, unchanged), merged into a
        master, or quarantined."""
        accounted = (
            self.rows_inserted
            + self.rows_updated
            + self.rows_unchanged
            + self.rows_merged
            + self.rows_quarantined
        )
        return self.rows_read == accounted

    def finish(self, at: datetime, error: str | None = None) -> None:
        """Close the batch: completed, or failed with ``error``; counts must add up."""
        if error is None and not self.counts_add_up:
            raise ValueError(
                f"ImportBatch {self.id}: {self.rows_read} rows read but "
                f"{self.rows_inserted} inserted + {self.rows_updated} updated + "
                f"{self.rows_unchanged} unchanged + {self.rows_merged} merged + "
                f"{self.rows_quarantined} quarantined"
            )
        self.finished_at = as_utc(at)
        self.status = ImportStatus.FAILED if error else ImportStatus.COMPLETED
        self.error = error


@dataclass(kw_only=True, eq=False)
class QuarantinedRow(Record):
    """A source row refused by a rule, kept verbatim with where and why it failed."""

    id: str = dataclasses.field(default_factory=new_id)
    batch_id: str
    record_type: str
    row_number: int
    field: str | None = None
    rule: str
    message: str
    raw: dict[str, Any] = dataclasses.field(default_factory=dict)
    created_at: datetime = dataclasses.field(default_factory=utc_now)
