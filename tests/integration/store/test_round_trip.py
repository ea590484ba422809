"""Every record type is stored and read back unchanged: Decimal, aware UTC times, JSON, enums."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.store import SqlAlchemyUnitOfWork

# Not UTC on purpose: the store must hand back the same instant, in UTC.
T = datetime(2025, 3, 3, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
SRC = {"source_system": "salesforce"}


def _records() -> list[d.Record]:
    """One record of every type, every field set to a non-default value."""
    territory = d.Territory(
        name="emea-mid_market", region="EMEA", segment="mid_market", source_id="0MIA", **SRC,
    )  # fmt: skip
    user = d.User(
        name="Ana Ruiz", email="ana@example.com", role=d.UserRole.AE, team="Mid-market",
        capacity=40, territory_id=territory.id, active=False, created_at=T, source_id="005A",
        **SRC,
    )  # fmt: skip
    duplicate_account = d.Account(name="ACME Inc")
    account = d.Account(
        name="Acme", domain="acme.io", industry="Software", employees=250,
        annual_revenue=Decimal("48000000.25"), country="DE", region="EMEA",
        technologies=["salesforce", "snowflake"], tier="A", icp_score=87.5, owner_id=user.id,
        segment="mid_market", territory_id=territory.id, health_score=72.5,
        custom_fields={"segment": "mm", "nested": {"n": [1, 2.5, None, True]}},
        created_at=T, source_id="001A", **SRC,
    )  # fmt: skip
    duplicate_account.merged_into_id = account.id
    contact = d.Contact(
        account_id=account.id, first_name="Jo", last_name="Berg", email="jo@acme.io",
        phone="+49 30 1234", title="CFO", persona="economic_buyer", owner_id=user.id,
        created_at=T, source_id="003A", **SRC,
    )  # fmt: skip
    duplicate_contact = d.Contact(last_name="Berg", merged_into_id=contact.id)
    campaign = d.Campaign(
        name="Q1 webinar", channel="webinar", campaign_type="event", status="completed",
        start_date=date(2025, 1, 10), end_date=date(2025, 2, 10), budget=Decimal("12500.00"),
        currency="EUR", created_at=T, source_id="701A", **SRC,
    )  # fmt: skip
    opportunity = d.Opportunity(
        name="Acme platform", account_id=account.id, owner_id=user.id, pipeline="new_logo",
        stage="Proposal", stage_entered_at=T, amount=Decimal("123456789.99"), currency="EUR",
        close_date=date(2025, 6, 30), probability=Decimal("62.5"),
        forecast_category=d.ForecastCategory.COMMIT,
        opportunity_type=d.OpportunityType.EXPANSION, created_at=T, closed_at=T,
        is_closed=True, is_won=True, loss_reason="none", lead_source="webinar",
        next_step="Send MSA", primary_contact_id=contact.id,
        qualification={"metrics": "cut churn 20%", "champion": {"name": "Jo", "strength": 3}},
        custom_fields={"region_override": None}, source_id="006A", **SRC,
    )  # fmt: skip
    stage_change = d.StageChange(
        opportunity_id=opportunity.id, from_stage="Demo", to_stage="Proposal", changed_at=T,
        changed_by=user.id, amount=Decimal("100.10"), close_date=date(2025, 6, 1),
        criteria_met=False, override_reason="exec sponsor", source_id="008A", **SRC,
    )  # fmt: skip
    lead = d.Lead(
        first_name="Li", last_name="Wu", email="li@beta.io", phone="+1 555 0100",
        company="Beta", title="VP Ops", country="US", lead_source="webinar",
        channel="paid_social", status=d.LeadStatus.CONVERTED, created_at=T, mql_at=T,
        sql_at=T, fit_score=71.25, engagement_score=12.0, owner_id=user.id, routed_at=T,
        first_touch_at=T, converted_at=T, converted_contact_id=contact.id,
        converted_account_id=account.id, converted_opportunity_id=opportunity.id,
        disqualification_reason="n/a", custom_fields={"utm": "x"}, source_id="00QA", **SRC,
    )  # fmt: skip
    duplicate_lead = d.Lead(email="li@beta.io", merged_into_id=lead.id)
    field_change = d.OpportunityFieldChange(
        opportunity_id=opportunity.id, field="close_date", old_value="2025-05-31",
        new_value="2025-06-30", changed_at=T, changed_by=user.id, source_id="017A", **SRC,
    )  # fmt: skip
    touchpoint = d.Touchpoint(
        occurred_at=T, touch_type="meeting", channel="sales", campaign_id=campaign.id,
        lead_id=lead.id, contact_id=contact.id, account_id=account.id,
        opportunity_id=opportunity.id, user_id=user.id, details={"minutes": 45},
        source_id="00TA", **SRC,
    )  # fmt: skip
    product = d.Product(
        sku="PLAT-ENT", name="Platform", family="core", recurring=False, active=False,
        created_at=T, source_id="01tA", **SRC,
    )  # fmt: skip
    price = d.PriceBookEntry(
        product_id=product.id, price_book="partner", currency="EUR",
        list_price=Decimal("1999.99"), unit="seat", term_months=24, active=False,
        source_id="01uA", **SRC,
    )  # fmt: skip
    quote = d.Quote(
        opportunity_id=opportunity.id, account_id=account.id, name="Q-001",
        status=d.QuoteStatus.APPROVED, currency="EUR", created_at=T,
        valid_until=date(2025, 4, 1), source_id="0Q0A", **SRC,
    )  # fmt: skip
    quote.add_line(
        list_price=Decimal("1999.99"), quantity=Decimal("12.5"), discount_pct=Decimal("17.25"),
        term_months=24, product_id=product.id, description="Platform seats",
    )  # fmt: skip
    approval = d.Approval(
        quote_id=quote.id, opportunity_id=opportunity.id, approver_role="vp_sales",
        approver_id=user.id, requested_by=user.id, status=d.ApprovalStatus.REJECTED,
        discount_pct=Decimal("17.25"), reason="competitive", requested_at=T, expires_at=T,
        decided_at=T, decision_note="too deep",
    )  # fmt: skip
    order = d.Order(
        account_id=account.id, opportunity_id=opportunity.id, quote_id=quote.id,
        status=d.OrderStatus.ACTIVATED, ordered_at=T, activated_at=T,
        total_amount=Decimal("20687.40"), currency="EUR", source_id="801A", **SRC,
    )  # fmt: skip
    first_term = d.Contract(
        account_id=account.id, start_date=date(2024, 1, 1), end_date=date(2024, 12, 31),
        arr=Decimal("10000.00"), status=d.ContractStatus.RENEWED, created_at=T,
        contract_type=d.ContractType.NEW,
    )  # fmt: skip
    contract = d.Contract(
        account_id=account.id, opportunity_id=opportunity.id, order_id=order.id,
        renewal_of_id=first_term.id, parent_contract_id=first_term.id,
        contract_type=d.ContractType.EXPANSION, status=d.ContractStatus.CANCELLED,
        start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), arr=Decimal("12000.00"),
        mrr=Decimal("1000.01"), currency="EUR", auto_renew=True, cancelled_at=T, created_at=T,
        source_id="800A", **SRC,
    )  # fmt: skip
    usage = d.UsageRecord(
        account_id=account.id, contract_id=contract.id, metric="api_calls",
        quantity=Decimal("1234567.8901"), occurred_at=T, licensed_seats=250, source_id="u1",
        **SRC,
    )  # fmt: skip
    ticket = d.SupportTicket(
        account_id=account.id, contact_id=contact.id, created_at=T, closed_at=T,
        status=d.TicketStatus.CLOSED, priority="urgent", category="outage", satisfaction=2,
        source_id="500A", **SRC,
    )  # fmt: skip
    merge = d.Merge(
        record_type="Account", master_id=account.id, merged_id=duplicate_account.id,
        merged_snapshot={"name": "ACME Inc", "annual_revenue": "1.50", "tags": ["x"]},
        reparented={"contacts": [contact.id], "opportunities": []}, match_probability=0.9731,
        rule="splink", merged_at=T, merged_by=user.id, undone_at=T, undone_by=user.id,
    )  # fmt: skip
    task = d.Task(
        subject="Call Jo", owner_id=user.id, due_date=date(2025, 3, 4),
        status=d.TaskStatus.CANCELLED, priority="high", related_type="Opportunity",
        related_id=opportunity.id, description="pricing", created_at=T, completed_at=T,
        source_id="00TB", **SRC,
    )  # fmt: skip
    batch = d.ImportBatch(
        source_system="hubspot", source_name="contacts.csv", started_at=T, finished_at=T,
        status=d.ImportStatus.FAILED, rows_read=5, rows_inserted=1, rows_updated=1,
        rows_unchanged=1, rows_quarantined=2, error="truncated",
    )  # fmt: skip
    quarantined = d.QuarantinedRow(
        batch_id=batch.id, record_type="Contact", row_number=7, field="email",
        rule="email_format", message="not an email", raw={"email": "jo@", "row": ["a", 1]},
        created_at=T,
    )  # fmt: skip
    audit = d.AuditEntry(
        record_type="Account", record_id=account.id, action=d.AuditAction.UPDATE, field="tier",
        old_value="B", new_value={"tier": "A"}, changed_by=user.id, changed_at=T, source="api",
    )  # fmt: skip
    outbox = d.OutboxMessage(
        event_type="OpportunityClosed", payload={"amount": "1.00"}, created_at=T,
        status=d.OutboxStatus.DEAD, attempts=8, next_attempt_at=T, delivered_at=T,
        last_error="HTTP 500",
    )  # fmt: skip
    assignment = d.Assignment(
        lead_id=lead.id, owner_id=user.id, assignee="ana@example.com", rule="emea",
        pool="sdr_emea", pointer=1, segment="mid_market", territory="emea",
        reasons=[{"rule": "routing.emea", "text": "rule emea: country DE"}],
        alternatives=[{"rule": "na", "owner": None, "why_not": "country DE not in US"}],
        trigger="reroute", assigned_at=T, assigned_by=user.id,
    )  # fmt: skip
    routing = d.RoutingState(
        day=date(2025, 3, 3), loads={user.id: 3}, pointers={"sdr_emea": 1}, updated_at=T,
    )  # fmt: skip
    opportunity.stage_history.append(stage_change)
    return [
        territory, user, account, duplicate_account, contact, duplicate_contact, campaign,
        opportunity, field_change, lead, duplicate_lead, touchpoint, product, price, quote,
        approval, order, first_term, contract, usage, ticket, task, batch, quarantined, audit,
        outbox, merge, assignment, routing,
    ]  # fmt: skip


def _fields(record: d.Record) -> dict[str, Any]:
    values = {}
    for field in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, field.name)
        if field.name == "stage_history":
            value = [_fields(change) for change in value]
        elif field.name == "lines":
            value = [_fields(line) for line in value]
        elif field.name != "version":
            values[field.name] = value
            continue
        values[field.name] = value
    return values


def test_every_record_type_round_trips(engine: Engine) -> None:
    records = _records()
    covered = {type(r) for r in records} | {d.StageChange, d.QuoteLine}
    assert covered == set(_all_record_classes()), "add the new record type to this test"
    with SqlAlchemyUnitOfWork(engine) as uow:
        for record in records:
            uow.session.add(record)
        uow.commit()
    expected = {(type(r), r.id): _fields(r) for r in records}

    with SqlAlchemyUnitOfWork(engine) as uow:
        for (record_class, record_id), fields in expected.items():
            loaded = uow.session.get(record_class, record_id)
            assert loaded is not None, record_class
            assert _fields(loaded) == fields, record_class.__name__
            for name, value in vars(loaded).items():
                if isinstance(value, datetime):
                    assert value.tzinfo is UTC, f"{record_class.__name__}.{name} is not UTC"


def test_money_keeps_its_cents_and_quantities_their_decimals(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        account = uow.accounts.add(d.Account(name="A", annual_revenue=Decimal("9999999999999.99")))
        uow.commit()
    with SqlAlchemyUnitOfWork(engine) as uow:
        loaded = uow.accounts.get(account.id)
    assert loaded.annual_revenue == Decimal("9999999999999.99")
    assert str(loaded.annual_revenue) == "9999999999999.99"


def test_a_naive_datetime_is_refused_not_guessed(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.accounts.add(d.Account(name="A", created_at=datetime(2025, 1, 1)))
        with pytest.raises(Exception, match="no timezone"):
            uow.commit()


def test_an_unknown_enum_value_is_refused(engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        lead = uow.leads.add(d.Lead())
        lead.status = "hot"  # type: ignore[assignment]
        with pytest.raises(Exception, match="'hot' is not a valid LeadStatus"):
            uow.commit()


def _all_record_classes() -> list[type[d.Record]]:
    return [
        obj
        for obj in vars(d).values()
        if isinstance(obj, type) and issubclass(obj, d.Record) and obj is not d.Record
    ]
