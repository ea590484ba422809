"""Assessment snapshots as use cases: save, list, load, and compare two (day 0 vs day 90)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from l2o.assess.compare import compare_assessments
from l2o.store import AssessmentSnapshots, SnapshotSummary

__all__ = ["compare_snapshots", "list_snapshots", "load_snapshot", "save_snapshot"]


def save_snapshot(engine: Engine, document: dict[str, Any]) -> str:
    """Save an ``assessment.json`` document in one transaction; return the snapshot id."""
    with engine.begin() as conn:
        return AssessmentSnapshots(conn).add(document)


def list_snapshots(engine: Engine) -> list[SnapshotSummary]:
    """Every saved assessment, oldest first."""
    with engine.connect() as conn:
        return AssessmentSnapshots(conn).list()


def load_snapshot(engine: Engine, ref: str) -> dict[str, Any]:
    """The saved document for an id, id prefix or name (``RecordNotFound`` if none)."""
    with engine.connect() as conn:
        return AssessmentSnapshots(conn).get(ref)


def compare_snapshots(engine: Engine, before: str, after: str) -> dict[str, Any]:
    """The comparison of two saved assessments (see :func:`l2o.assess.compare_assessments`)."""
    return compare_assessments(load_snapshot(engine, before), load_snapshot(engine, after))
