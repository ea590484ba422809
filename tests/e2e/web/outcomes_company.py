"""A company with outcomes for the forecast and attribution pages: a simulated company's
two years of deals, stage history and touchpoints imported into the store, and one signed-in
person per role that reads outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from l2o.ingest import adapter_for
from l2o.services.access import add_user, create_token
from l2o.services.import_dedupe import dedupe_imported
from l2o.services.importing import import_directory
from l2o.simulate import simulate, write_csv

ROLES = ("admin", "viewer", "rep", "manager")


def write_outcomes_csv(directory: Path) -> Path:
    """The neutral CSV set of a simulated company: 800 leads over 24 months."""
    write_csv(simulate("defined", {}, leads=800, months=24, seed=4), directory)
    return directory


def seed_outcomes_company(engine: Engine, csv_dir: Path) -> dict[str, str]:
    """Import ``csv_dir`` into the (migrated, empty) store; a token per role in :data:`ROLES`."""
    import_directory(engine, csv_dir, adapter_for("neutral"), dedupe=dedupe_imported)
    return {
        role: create_token(engine, add_user(engine, name=f"Olive {role}", access_role=role))
        for role in ROLES
    }


@dataclass
class OutcomesDashboard:
    """The app over the outcomes company, its store and a token per role."""

    app: FastAPI
    engine: Engine
    tokens: dict[str, str]
