"""Calibration of the rubric: simulated companies of known maturity, assessed from their data.

Run by hand (never in the test suite)::

    .venv/bin/python bench/calibrate_rubric.py [--leads 10000] [--seeds 1 2 3]
        [--rubric v2] [--workdir DIR] [--reuse]

For each of the four profiles and each seed, simulates the company, imports it into a fresh
SQLite store through the neutral importer (with dedupe, as ``l2o simulate --db`` does),
assesses it from the evidence alone (no spec, no answers) and prints a Markdown table:
per dimension the true level and the evidence score, and the true and assessed index. Then
the two claims the rubric is calibrated for: every dimension within 0.5 of the truth, and
the index ranking the companies in their true order. ``--reuse`` assesses stores already in
``--workdir`` (``PROFILE-SEED/l2o.db`` with ``truth.json``) instead of simulating again.
Exit status 1 when a claim fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from l2o.assess import DIMENSIONS, load_rubric
from l2o.ingest import adapter_for
from l2o.services.assessing import assess_store
from l2o.services.import_dedupe import dedupe_imported
from l2o.services.importing import import_directory
from l2o.simulate import PROFILES, simulate, write_csv
from l2o.store import engine_for, upgrade

TOLERANCE = 0.5


def company_store(profile: str, seed: int, leads: int, months: int, workdir: Path, reuse: bool):
    """The store of one simulated company and its truth, simulated and imported if needed."""
    directory = workdir / f"{profile}-{seed}"
    database = directory / "l2o.db"
    truth_path = directory / "truth.json"
    if not (reuse and database.exists() and truth_path.exists()):
        directory.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        company = simulate(profile, leads=leads, months=months, seed=seed)
        csv_dir = directory / "csv"
        write_csv(company, csv_dir)
        engine = engine_for(f"sqlite:///{database}")
        upgrade(engine)
        import_directory(engine, csv_dir, adapter_for("neutral"), dedupe=dedupe_imported)
        engine.dispose()
        truth_path.write_text(json.dumps(company.truth), encoding="utf-8")
    return engine_for(f"sqlite:///{database}"), json.loads(truth_path.read_text("utf-8"))


def assess_company(engine: Any, truth: dict[str, Any], rubric_version: str) -> dict[str, Any]:
    """One row of the table: truth and evidence per dimension, index, seconds to assess."""
    started = time.perf_counter()
    document = assess_store(engine, rubric=load_rubric(rubric_version), save=False)
    seconds = time.perf_counter() - started
    shown = {d: document["dimensions"][d]["shown"] for d in DIMENSIONS}
    return {
        "profile": truth["profile"],
        "seed": truth["seed"],
        "truth": truth["maturity"],
        "shown": shown,
        "truth_index": truth["index"],
        "index": document["index"],
        "seconds": seconds,
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    """The calibration table in Markdown: ``truth / evidence`` per dimension and index."""
    head = ["profile", "seed", *DIMENSIONS, "index (truth / assessed)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row["profile"], str(row["seed"])]
        for d in DIMENSIONS:
            shown = row["shown"][d]
            mark = "" if shown is not None and abs(shown - row["truth"][d]) <= TOLERANCE else " ✗"
            cells.append(f"{row['truth'][d]} / {_fmt(shown)}{mark}")
        cells.append(f"{row['truth_index']:.2f} / {_fmt(row['index'])}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def claims(rows: list[dict[str, Any]]) -> tuple[bool, bool, float]:
    """Every dimension within the tolerance; the index in true order; the largest error."""
    errors = [
        abs(row["shown"][d] - row["truth"][d]) if row["shown"][d] is not None else float("inf")
        for row in rows
        for d in DIMENSIONS
    ]
    ranked = all(
        a["index"] is not None and b["index"] is not None and a["index"] < b["index"]
        for a in rows
        for b in rows
        if a["truth_index"] < b["truth_index"]
    )
    worst = max(errors) if errors else 0.0
    return worst <= TOLERANCE, ranked, worst


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--rubric", default=None, help="Rubric version (default: the latest).")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="Assess stores already in --workdir.")
    args = parser.parse_args(argv)
    version = args.rubric or load_rubric().version
    with tempfile.TemporaryDirectory(prefix="l2o-calibrate-") as scratch:
        workdir = args.workdir or Path(scratch)
        rows = []
        for seed in args.seeds:
            for profile in PROFILES:
                engine, truth = company_store(
                    profile, seed, args.leads, args.months, workdir, args.reuse
                )
                rows.append(assess_company(engine, truth, version))
                engine.dispose()
                print(f"assessed {profile} seed {seed}", file=sys.stderr)
    within, ranked, worst = claims(rows)
    print(f"Rubric {version}; {args.leads:,} leads over {args.months} months per company.\n")
    print(markdown(rows))
    print(
        f"\nEvery dimension within ±{TOLERANCE}: {'yes' if within else 'no'} "
        f"(largest difference {worst:.2f}). Index in true order: {'yes' if ranked else 'no'}. "
        f"Assessing took {max(r['seconds'] for r in rows):.1f} s at most per company."
    )
    return 0 if within and ranked else 1


if __name__ == "__main__":
    sys.exit(main())
