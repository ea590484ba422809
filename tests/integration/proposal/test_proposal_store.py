"""The proposed architecture from a real store: each simulated profile, and almost no data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from l2o.ingest import adapter_for
from l2o.services.importing import import_directory
from l2o.services.proposal_facts import read_proposal_facts
from l2o.services.proposing import propose_architecture
from l2o.simulate import resolve_maturity, simulate, write_csv, write_truth
from l2o.spec import check_spec, load_spec

PROFILES = ["founder-led", "crm-first", "defined", "revenue-machine"]


def _load(engine: Engine, tmp_path: Path, profile: str, leads: int, months: int = 12) -> Path:
    company = simulate(profile, resolve_maturity(profile, {}), leads=leads, months=months, seed=2)
    write_csv(company, tmp_path)
    paths = write_truth(company, tmp_path / "truth.json")
    import_directory(engine, tmp_path, adapter_for("neutral"))
    return paths["architecture"]


def _valid(text: str, tmp_path: Path) -> None:
    path = tmp_path / "architecture.proposed.yaml"
    path.write_text(text, encoding="utf-8")
    report = check_spec(path)
    assert report.errors == [], [str(e) for e in report.errors]


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_gets_a_valid_proposal(engine: Engine, tmp_path: Path, profile: str) -> None:
    architecture = _load(engine, tmp_path, profile, leads=600)
    facts = read_proposal_facts(engine)
    assert facts.closed_deals > 0
    assert facts.stages
    assert sum(o.closed for o in facts.industries) <= facts.closed_deals
    for current in (None, load_spec(architecture)):
        text = propose_architecture(engine, spec=current)
        _valid(text, tmp_path)
        assert "closed deals that reached this stage were won" in text


def test_a_store_with_almost_no_data_falls_back_to_defaults(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path, "founder-led", leads=100, months=6)
    facts = read_proposal_facts(engine)
    assert facts.closed_deals < 20
    text = propose_architecture(engine)
    _valid(text, tmp_path)
    assert "Too little data for:" in text
    assert "Default" in text


def test_an_empty_store_still_gets_a_valid_proposal(engine: Engine, tmp_path: Path) -> None:
    text = propose_architecture(engine)
    _valid(text, tmp_path)
    assert "Default pipeline" in text
