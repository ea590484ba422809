"""Importing with the architecture spec: the rules every other path applies apply here too.

A lead imported is scored and staged as ``add_lead`` scores and stages it; a stored deal the
file moves forward goes through its stage gate, and a refused move quarantines the row.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.ingest import adapter_for
from l2o.services.bootstrap import RevenueSystem
from l2o.services.import_summary import ImportSummary
from l2o.services.importing import import_directory
from l2o.services.leads import NewTouch, add_lead
from l2o.services.quarantine import retry_batch
from l2o.store import SqlAlchemyUnitOfWork

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
QUALIFIED = {"identified_pain": "churn", "metrics": "cut churn 20%"}

ACCOUNTS = "id,name,domain,employees,country\nAC-1,Globex,globex.example,350,US\n"
CONTACTS = (
    "id,account_id,last_name,persona\n"
    "CO-1,AC-1,Ames,economic_buyer\nCO-2,AC-1,Berg,champion\nCO-3,AC-1,Cruz,\n"
)
LEADS = (
    "id,first_name,last_name,email,title,country,created_at\n"
    f"LD-1,Ana,Lopez,ana@globex.example,Head of Data,US,{T0.isoformat()}\n"
    f"LD-2,Kim,Park,kim@elsewhere.example,Intern,BR,{T0.isoformat()}\n"
)
DEMO_AT = T0 - timedelta(days=1)
TOUCHPOINTS = f"id,occurred_at,touch_type,lead_id\nTP-1,{DEMO_AT.isoformat()},demo_request,LD-1\n"
DEAL_HEADER = (
    "id,name,account_id,pipeline,stage,stage_entered_at,created_at,primary_contact_id,"
    "next_step,amount\n"
)


def _deal(stage: str, next_step: str = "", amount: str = "10000") -> str:
    return (
        DEAL_HEADER + f"OP-1,Globex platform,AC-1,new_business,{stage},{T0.isoformat()},"
        f"{T0.isoformat()},CO-1,{next_step},{amount}\n"
    )


def _write(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


@pytest.fixture
def system(engine: Engine) -> RevenueSystem:
    """The revenue-machine example over the store, with the clock stopped at ``T0``."""
    return RevenueSystem.build(EXAMPLES / "revenue-machine.yaml", engine, clock=lambda: T0)


@pytest.fixture
def company(tmp_path: Path) -> Path:
    """An account with three contacts, a deal in discovery, two leads and a demo request."""
    return _write(
        tmp_path / "v1",
        accounts=ACCOUNTS,
        contacts=CONTACTS,
        opportunities=_deal("discovery"),
        leads=LEADS,
        touchpoints=TOUCHPOINTS,
    )


def _import(engine: Engine, folder: Path, system: RevenueSystem | None) -> ImportSummary:
    summary = import_directory(engine, folder, adapter_for("neutral"), system=system)
    for record_type, counts in summary.by_type.items():
        assert counts.adds_up, record_type
    return summary


def _lead(engine: Engine, source_id: str) -> d.Lead:
    with SqlAlchemyUnitOfWork(engine) as uow:
        (lead,) = uow.leads.list(source_system="neutral", source_id=source_id)
        return lead


def _stored_deal(engine: Engine) -> d.Opportunity:
    with SqlAlchemyUnitOfWork(engine) as uow:
        (deal,) = uow.opportunities.list(source_system="neutral", source_id="OP-1")
        return deal


def test_an_imported_lead_is_scored_and_staged_as_add_lead_does(
    engine: Engine, system: RevenueSystem, company: Path
) -> None:
    summary = _import(engine, company, system)
    assert summary.rules is not None
    assert summary.rules.leads_scored == 2
    imported = _lead(engine, "LD-1")

    added = add_lead(
        system,
        d.AddLead(
            at=T0, email="bo@globex.example", title="Head of Data", country="US", route=False
        ),
        touches=(NewTouch(touch_type="demo_request", at=DEMO_AT),),
    )
    with SqlAlchemyUnitOfWork(engine) as uow:
        direct = uow.leads.get(added.lead_id)
    assert imported.status == direct.status == d.LeadStatus.MQL
    assert (imported.fit_score, imported.engagement_score, imported.mql_at) == (
        direct.fit_score,
        direct.engagement_score,
        direct.mql_at,
    )
    other = _lead(engine, "LD-2")
    assert other.status == d.LeadStatus.NEW
    assert other.fit_score is not None


def test_without_a_spec_leads_are_written_as_the_file_gives_them(
    engine: Engine, company: Path
) -> None:
    summary = _import(engine, company, None)
    assert summary.rules is None
    assert summary.to_json()["rules"] is None
    lead = _lead(engine, "LD-1")
    assert (lead.status, lead.fit_score, lead.engagement_score) == (d.LeadStatus.NEW, None, None)
    # ... and a stored deal moved by the file moves, gate or not.
    moved = _write(company.parent / "v2", opportunities=_deal("solution_validation"))
    again = _import(engine, moved, None)
    assert again.by_type["opportunities"].updated == 1
    assert _stored_deal(engine).stage == "solution_validation"


def test_a_move_without_its_exit_criteria_is_quarantined_and_the_stage_kept(
    engine: Engine, system: RevenueSystem, company: Path
) -> None:
    _import(engine, company, system)
    moved = _write(
        company.parent / "v2", opportunities=_deal("solution_validation", amount="99000")
    )
    summary = _import(engine, moved, system)
    counts = summary.by_type["opportunities"]
    assert (counts.read, counts.updated, counts.quarantined) == (1, 0, 1)
    assert summary.rules is not None
    assert (summary.rules.moves_checked, summary.rules.moves_refused) == (1, 1)
    deal = _stored_deal(engine)
    assert (deal.stage, deal.amount) == ("discovery", 10000)  # nothing of the row applied
    with SqlAlchemyUnitOfWork(engine) as uow:
        (row,) = uow.quarantine.list(batch_id=summary.batch_id)
    assert (row.row_number, row.field, row.rule) == (2, "stage", "gate.discovery.exit")
    assert row.raw["stage"] == "solution_validation"
    for missing in ("next_step", "identified_pain", "metrics"):
        assert missing in row.message, row.message


def test_a_move_with_its_exit_criteria_met_applies(
    engine: Engine, system: RevenueSystem, company: Path
) -> None:
    _import(engine, company, system)
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        (deal,) = uow.opportunities.list(source_system="neutral", source_id="OP-1")
        deal.qualification = dict(QUALIFIED)  # qualified in the CRM meanwhile
        uow.commit()
    # next_step comes from the row: the gate reads the deal as the row leaves it.
    moved = _write(
        company.parent / "v2", opportunities=_deal("solution_validation", next_step="demo")
    )
    summary = _import(engine, moved, system)
    counts = summary.by_type["opportunities"]
    assert (counts.read, counts.updated, counts.quarantined) == (1, 1, 0)
    assert summary.rules is not None
    assert (summary.rules.moves_checked, summary.rules.moves_refused) == (1, 0)
    deal = _stored_deal(engine)
    assert (deal.stage, deal.next_step) == ("solution_validation", "demo")


def test_a_first_time_deal_is_history_and_not_gated(
    engine: Engine, system: RevenueSystem, tmp_path: Path
) -> None:
    folder = _write(
        tmp_path / "v1",
        accounts=ACCOUNTS,
        contacts=CONTACTS,
        opportunities=_deal("business_case"),
    )
    summary = _import(engine, folder, system)
    assert summary.by_type["opportunities"].inserted == 1
    assert summary.rules is not None
    assert summary.rules.moves_checked == 0
    assert _stored_deal(engine).stage == "business_case"


def test_reimporting_the_same_files_with_the_spec_changes_nothing(
    engine: Engine, system: RevenueSystem, company: Path
) -> None:
    _import(engine, company, system)
    before = _lead(engine, "LD-1")
    again = _import(engine, company, system)
    total = again.total
    assert total.unchanged == total.read
    assert again.rules is not None
    assert again.rules.leads_scored == 0
    after = _lead(engine, "LD-1")
    assert (after.version, after.engagement_score) == (before.version, before.engagement_score)


def test_a_retried_batch_runs_with_the_rules_it_was_imported_with(
    engine: Engine, system: RevenueSystem, company: Path
) -> None:
    _import(engine, company, system)
    spec = EXAMPLES / "revenue-machine.yaml"
    moved = _write(company.parent / "v2", opportunities=_deal("solution_validation"))
    origin = {"path": str(moved), "source": "neutral", "spec": str(spec)}
    refused = import_directory(
        engine, moved, adapter_for("neutral"), system=system, source_name=origin
    )
    assert refused.by_type["opportunities"].quarantined == 1

    # The file is fixed (a next step) but the deal is still unqualified: the retry's gate
    # refuses again - the rules were not dropped on the way.
    _write(moved, opportunities=_deal("solution_validation", next_step="demo"))
    again, before = retry_batch(engine, refused.batch_id, dedupe=None)
    assert before == 1
    assert again.rules is not None
    assert (again.rules.moves_checked, again.rules.moves_refused) == (1, 1)
    assert _stored_deal(engine).stage == "discovery"

    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        (deal,) = uow.opportunities.list(source_system="neutral", source_id="OP-1")
        deal.qualification = dict(QUALIFIED)
        uow.commit()
    applied, _ = retry_batch(engine, again.batch_id, dedupe=None)
    assert applied.rules is not None
    assert applied.rules.moves_refused == 0
    assert _stored_deal(engine).stage == "solution_validation"
