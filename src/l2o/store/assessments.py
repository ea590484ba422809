"""Assessment snapshots in the store: save one, list them, fetch one by id, id prefix or name.

Works on the connection of the caller's transaction, with SQLAlchemy Core: a snapshot is a
document, not a record the domain edits, so it has no mapped class::

    with engine.begin() as conn:
        snapshot_id = AssessmentSnapshots(conn).add(document)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from l2o.domain import as_utc, new_id, utc_now
from l2o.errors import RecordNotFound
from l2o.store.schema import assessment_snapshots

__all__ = ["AssessmentSnapshots", "SnapshotSummary"]


@dataclass(frozen=True)
class SnapshotSummary:
    """One line of the snapshot list."""

    id: str
    name: str
    created_at: datetime
    rubric_version: str
    index: float | None


class AssessmentSnapshots:
    """The saved assessments, on one open connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, document: dict[str, Any]) -> str:
        """Save ``document`` (an ``assessment.json``) and return the new snapshot's id."""
        snapshot_id = new_id()
        created = document.get("created_at")
        when = as_utc(datetime.fromisoformat(created)) if created else utc_now()
        self._conn.execute(
            assessment_snapshots.insert().values(
                id=snapshot_id,
                name=str(document.get("name") or snapshot_id),
                created_at=when,
                rubric_version=str(document.get("rubric_version", "")),
                schema_version=str(document.get("schema_version", "")),
                index=document.get("index"),
                document={**document, "id": snapshot_id},
            )
        )
        return snapshot_id

    def list(self) -> list[SnapshotSummary]:
        """Every snapshot, oldest first."""
        s = assessment_snapshots.c
        rows = self._conn.execute(
            sa.select(s.id, s.name, s.created_at, s.rubric_version, s.index).order_by(
                s.created_at, s.id
            )
        )
        return [SnapshotSummary(*row) for row in rows]

    def get(self, ref: str) -> dict[str, Any]:
        """The document of the snapshot whose id, id prefix (8+ characters) or name is ``ref``.

        A name that several snapshots share means the latest of them. ``RecordNotFound``
        when nothing matches.
        """
        s = assessment_snapshots.c
        match = s.id == ref
        if len(ref) >= 8:
            match = match | s.id.startswith(ref, autoescape=True)
        row = self._conn.execute(
            sa.select(s.document)
            .where(match | (s.name == ref))
            .order_by(s.created_at.desc(), s.id.desc())
            .limit(1)
        ).scalar()
        if row is None:
            raise RecordNotFound("AssessmentSnapshot", ref)
        return dict(row)
