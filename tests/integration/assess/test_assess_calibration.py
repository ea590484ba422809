"""The calibrated rubric recovers simulated companies' true maturity from their data alone.

The full claim (four profiles x three seeds, 10,000 leads each) is checked by
``bench/calibrate_rubric.py`` and recorded in docs/validation.md; this test checks it on a
smaller, different sample: one new seed per profile at a few thousand leads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from l2o.assess import DIMENSIONS
from l2o.ingest import adapter_for
from l2o.services.assessing import assess_store
from l2o.services.import_dedupe import dedupe_imported
from l2o.services.importing import import_directory
from l2o.simulate import PROFILES, simulate, write_csv
from l2o.store import engine_for, upgrade

pytestmark = pytest.mark.slow

LEADS = 5_000
SEED = 11


def _assess(profile: str, tmp_path: Path) -> tuple[dict, dict]:
    company = simulate(profile, leads=LEADS, months=24, seed=SEED)
    csv_dir = tmp_path / profile
    write_csv(company, csv_dir)
    engine = engine_for(f"sqlite:///{tmp_path / f'{profile}.db'}")
    upgrade(engine)
    import_directory(engine, csv_dir, adapter_for("neutral"), dedupe=dedupe_imported)
    document = assess_store(engine, save=False)
    engine.dispose()
    return company.truth, document


def test_evidence_is_within_half_a_level_and_ranks_the_companies(tmp_path: Path) -> None:
    results = [_assess(profile, tmp_path) for profile in PROFILES]
    for truth, document in results:
        for dimension in DIMENSIONS:
            shown = document["dimensions"][dimension]["shown"]
            assert shown is not None, (truth["profile"], dimension)
            assert abs(shown - truth["maturity"][dimension]) <= 0.5, (
                truth["profile"],
                dimension,
                shown,
            )
    by_truth = sorted(results, key=lambda r: r[0]["index"])
    assessed = [document["index"] for _, document in by_truth]
    assert assessed == sorted(assessed)
    assert len(set(assessed)) == len(assessed)
