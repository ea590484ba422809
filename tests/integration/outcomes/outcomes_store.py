"""Applying the store's lead merges to a CSV set by hand, for comparisons with the store."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from l2o.store.schema import leads

__all__ = ["csv_after_merges", "merged_leads"]


def csv_after_merges(csv_dir: Path, engine: Engine, out: Path) -> Path:
    """The attribution inputs of ``csv_dir`` with the store's lead merges applied by hand:
    each merged-away lead dropped and its touches moved to the lead it was merged into, as
    ``l2o.services.merging`` does in the store. Files are copied row for row otherwise."""
    moved = merged_leads(engine)
    out.mkdir(parents=True, exist_ok=True)
    _copy(csv_dir / "leads.csv", out / "leads.csv", lambda r: None if r["id"] in moved else r)

    def move_touch(row: dict[str, str]) -> dict[str, str]:
        row["lead_id"] = moved.get(row["lead_id"], row["lead_id"])
        return row

    _copy(csv_dir / "touchpoints.csv", out / "touchpoints.csv", move_touch)
    _copy(csv_dir / "opportunities.csv", out / "opportunities.csv", lambda r: r)
    return out


def _copy(
    source: Path, target: Path, change: Callable[[dict[str, str]], dict[str, str] | None]
) -> None:
    with (
        source.open(newline="", encoding="utf-8") as src,
        target.open("w", newline="", encoding="utf-8") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            kept = change(row)
            if kept is not None:
                writer.writerow(kept)


def merged_leads(engine: Engine) -> dict[str, str]:
    """Source key of each merged-away lead -> source key of the lead it was merged into."""
    master = leads.alias("master")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(leads.c.source_id, master.c.source_id).join(
                master, master.c.id == leads.c.merged_into_id
            )
        ).all()
    return {str(loser): str(kept) for loser, kept in rows}
