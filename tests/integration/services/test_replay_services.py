"""Replay a small simulated company, imported through the neutral importer, through a spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from revenue_builders import EXAMPLES
from sqlalchemy.engine import Engine

from l2o.ingest import adapter_for
from l2o.services.bootstrap import RevenueSystem
from l2o.services.importing import import_directory
from l2o.services.replay import replay_history
from l2o.simulate import resolve_maturity, simulate, write_csv, write_truth


@pytest.fixture
def simulated(engine: Engine, tmp_path: Path) -> Path:
    """A 300-lead company simulated, written as CSV and imported; its architecture.yaml."""
    company = simulate("defined", resolve_maturity("defined", {}), leads=300, months=6, seed=1)
    write_csv(company, tmp_path)
    paths = write_truth(company, tmp_path / "truth.json")
    import_directory(engine, tmp_path, adapter_for("neutral"))
    return paths["architecture"]


def test_replay_counts_what_the_company_spec_would_refuse(engine: Engine, simulated: Path) -> None:
    report = replay_history(RevenueSystem.build(simulated, engine)).to_json()
    moves, discounts, assignments = (
        report["stage_moves"],
        report["discounts"],
        report["assignments"],
    )
    assert isinstance(moves, dict)
    assert isinstance(discounts, dict)
    assert isinstance(assignments, dict)
    assert moves["seen"] > 0
    assert 0 < moves["refused"] <= moves["seen"]
    assert all(rule.startswith("gate.") for rule in moves["reasons"])
    assert discounts["seen"] > 0
    assert discounts["refused"] + discounts["changed"] <= discounts["seen"]
    assert assignments["seen"] > 0
    assert assignments["notes"] == ["the spec has no routing rules: assignments are not governed"]


def test_a_stricter_spec_refuses_or_changes_more(engine: Engine, simulated: Path) -> None:
    # The revenue-machine example names other pipelines, roles and pools than the company
    # uses: every move is outside its pipelines and every routed lead goes elsewhere.
    report = replay_history(
        RevenueSystem.build(EXAMPLES / "revenue-machine.yaml", engine)
    ).to_json()
    moves, assignments = report["stage_moves"], report["assignments"]
    assert isinstance(moves, dict)
    assert isinstance(assignments, dict)
    assert moves["refused"] == moves["seen"]
    assert moves["reasons"] == {"gate.unknown_pipeline": moves["seen"]}
    assert assignments["changed"] + assignments["refused"] == assignments["seen"]
    with RevenueSystem.build(simulated, engine).unit_of_work() as uow:
        assert uow.outbox.count() == 0  # replay writes nothing
