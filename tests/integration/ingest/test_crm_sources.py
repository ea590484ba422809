"""Salesforce, HubSpot and mapped exports: real samples, and small hand-written exports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from l2o.ingest import adapter_for
from l2o.services.importing import import_directory
from l2o.services.quarantine import quarantined_rows, rule_counts
from l2o.store import SqlAlchemyUnitOfWork

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DATASETS_DIR = PROJECT_ROOT.parent / "shared" / "datasets"

SALESFORCE_SEEDS = DATASETS_DIR / "fivetran_dbt_salesforce_seeds"
HUBSPOT_SEEDS = DATASETS_DIR / "fivetran_dbt_hubspot_seeds"
MAVEN = DATASETS_DIR / "maven_crm_sales_opportunities" / "zip_original" / "CRM+Sales+Opportunities"


def _needs(path: Path) -> None:
    if not path.is_dir():
        pytest.skip(f"dataset {path.name} is not available")


def test_salesforce_fivetran_sample(engine: Engine) -> None:
    _needs(SALESFORCE_SEEDS)
    summary = import_directory(engine, SALESFORCE_SEEDS, adapter_for("salesforce"))
    assert {"users", "accounts", "contacts", "opportunities", "leads", "stage_changes"} <= set(
        summary.by_type
    )
    assert all(counts.adds_up for counts in summary.by_type.values())
    assert summary.by_type["products"].inserted == 2  # product_2 recognised by its name
    rules = {rule for (_, rule, _) in rule_counts(quarantined_rows(engine, summary.batch_id))}
    # The sample is mostly deleted or hashed: each is quarantined with that reason.
    assert {"deleted_in_source", "hashed_value", "superseded_version"} <= rules
    # The account history table has the accounts' columns but is not read as accounts.
    assert summary.by_type["accounts"].read == 10
    again = import_directory(engine, SALESFORCE_SEEDS, adapter_for("salesforce"))
    assert again.total.inserted == again.total.updated == 0


def test_salesforce_api_names_history_and_references(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "Account.csv").write_text(
        "Id,Name,Website,BillingCountry,NumberOfEmployees,AnnualRevenue,IsDeleted\n"
        "001A,Acme Inc,https://www.acme.com,USA,120,1500000,false\n"
    )
    (tmp_path / "Opportunity_2024-05-01.csv").write_text(
        "Id,Name,AccountId,StageName,Amount,CloseDate,Probability,ForecastCategoryName,Type,"
        "IsClosed,IsWon,CreatedDate\n"
        "006A,Acme - Platform,001A,Proposal,25000,2024-06-30,60,Best Case,New Business,false,"
        "false,2024-04-01T10:00:00.000+0000\n"
    )
    (tmp_path / "opportunity_history.csv").write_text(
        "id,opportunity_id,stage_name,created_date\n"
        "008B,006A,Proposal,2024-04-20 09:00:00\n008A,006A,Discovery,2024-04-01 10:00:00\n"
    )
    summary = import_directory(engine, tmp_path, adapter_for("salesforce"))
    assert summary.total.quarantined == 0, summary.to_json()
    with SqlAlchemyUnitOfWork(engine) as uow:
        deal = uow.opportunities.find_by_source("salesforce", "006A")
        account = uow.accounts.find_by_source("salesforce", "001A")
        assert deal is not None
        assert account is not None
        assert deal.account_id == account.id
        assert account.domain == "acme.com"
        assert account.country == "US"
        assert deal.forecast_category == "best_case"
        assert deal.opportunity_type == "new_business"
        assert deal.probability == Decimal(60)
        history = [(c.from_stage, c.to_stage) for c in deal.stage_history]
    assert history == [(None, "Discovery"), ("Discovery", "Proposal")]


def test_hubspot_fivetran_sample_quarantines_what_cannot_be_resolved(engine: Engine) -> None:
    _needs(HUBSPOT_SEEDS)
    summary = import_directory(engine, HUBSPOT_SEEDS, adapter_for("hubspot"))
    assert all(counts.adds_up for counts in summary.by_type.values())
    assert summary.by_type["opportunities"].read == 44
    counts = rule_counts(quarantined_rows(engine, summary.batch_id))
    assert counts[("opportunities", "hashed_value", "name")] > 0
    assert counts[("stage_changes", "unresolved_stage", "value")] > 0


def test_hubspot_labels_pipeline_stages_and_probability(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "deal_pipeline_stage.csv").write_text(
        "stage_id,label,pipeline_id,probability,is_closed,closed_won\n"
        "s1,Discovery,p1,0.1,false,false\ns9,Won,p1,1.0,true,true\n"
    )
    (tmp_path / "deal_pipeline.csv").write_text("pipeline_id,label\np1,Enterprise\n")
    (tmp_path / "deals.csv").write_text(
        "Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date\n"
        "11,Acme expansion,s1,p1,1200.50,2024-06-30,2024-04-01 10:00:00\n"
        "12,Beta,s9,p1,900,2024-05-30,2024-03-01 10:00:00\n"
        "13,Gamma,s404,p1,900,2024-05-30,2024-03-01 10:00:00\n"
    )
    (tmp_path / "deal_property_history.csv").write_text(
        "deal_id,timestamp,name,value\n12,2024-03-01 10:00:00.000,dealstage,s1\n"
        "12,2024-05-30 10:00:00.000,dealstage,s9\n12,2024-05-30 10:00:00.000,amount,900\n"
    )
    summary = import_directory(engine, tmp_path, adapter_for("hubspot"))
    assert summary.by_type["opportunities"].inserted == 3
    assert summary.by_type["stage_changes"].inserted == 2
    assert summary.by_type["stage_changes"].quarantined == 1  # the amount row
    with SqlAlchemyUnitOfWork(engine) as uow:
        acme = uow.opportunities.find_by_source("hubspot", "11")
        beta = uow.opportunities.find_by_source("hubspot", "12")
        assert acme is not None
        assert beta is not None
        assert (acme.stage, acme.pipeline, acme.probability) == ("Discovery", "Enterprise", 10)
        assert beta.is_won
        assert beta.is_closed
        assert [(c.from_stage, c.to_stage) for c in beta.stage_history] == [
            (None, "Discovery"),
            ("Discovery", "Won"),
        ]


def test_maven_mapping_imports_all_8800_opportunities(engine: Engine) -> None:
    _needs(MAVEN)
    mapping = PROJECT_ROOT / "examples" / "mappings" / "maven.yaml"
    summary = import_directory(engine, MAVEN, adapter_for("neutral", mapping))
    deals = summary.by_type["opportunities"]
    assert (deals.read, deals.inserted, deals.quarantined) == (8_800, 8_800, 0)
    assert summary.total.quarantined == 0
    with SqlAlchemyUnitOfWork(engine) as uow:
        assert uow.opportunities.count(is_won=True) == 4_238
        assert uow.opportunities.count(account_id=None) == 1_425
        acme = uow.accounts.find_by_source("maven", "Acme Corporation")
        assert acme is not None
        assert acme.industry == "technology"
        assert acme.annual_revenue == Decimal("1100040000.00")
    again = import_directory(engine, MAVEN, adapter_for("neutral", mapping))
    assert again.by_type["opportunities"].unchanged == 8_800
