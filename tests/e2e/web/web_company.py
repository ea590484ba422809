"""A small company for the dashboard tests: two teams, an approver, an admin, a viewer, a deal
per team (one not yet qualified), a discounted quote waiting for approval, and two saved
assessments (day 0 and day 90)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.assess import Answers, load_questionnaire
from l2o.services.access import add_user, create_token
from l2o.services.assessing import assess_store
from l2o.services.bootstrap import RevenueSystem
from l2o.services.quotes import draft_quote, submit_quote
from l2o.store import SqlAlchemyUnitOfWork

SPEC = Path(__file__).resolve().parents[3] / "examples" / "revenue-machine.yaml"


@dataclass
class WebCompany:
    """Ids and tokens the dashboard tests use."""

    tokens: dict[str, str]
    users: dict[str, str]
    deal_a: str
    deal_b: str
    quote: str


def seed_web_company(engine: Engine, system: RevenueSystem) -> WebCompany:
    """Seed the company into the (migrated, empty) store behind ``system``."""
    now = system.now()
    users = {
        "admin": add_user(engine, name="Ada Admin", access_role="admin"),
        "viewer": add_user(engine, name="Vic Adviser", access_role="viewer"),
    }
    users["manager_a"] = add_user(engine, name="Mona Manager", access_role="manager", team="east")
    users["manager_b"] = add_user(engine, name="Ben Boss", access_role="manager", team="west")
    users["rep_a"] = add_user(
        engine, name="Rita Rep", access_role="rep", team="east", manager_id=users["manager_a"]
    )
    users["rep_b"] = add_user(
        engine, name="Rob West", access_role="rep", team="west", manager_id=users["manager_b"]
    )
    users["approver"] = add_user(
        engine,
        name="Abe Approver",
        access_role="approver",
        spec_roles=("sales_manager", "vp_sales", "deal_desk"),
    )
    account_a = d.Account(name="Globex", domain="globex.example", country="US")
    account_b = d.Account(name="Initech", domain="initech.example", country="US")
    contacts = [
        d.Contact(account_id=account_a.id, last_name=name, persona=persona)
        for name, persona in (("Ames", "economic_buyer"), ("Berg", "champion"))
    ]
    entered = now - timedelta(days=5)
    deal_a = d.Opportunity(
        name="Globex platform",
        account_id=account_a.id,
        owner_id=users["rep_a"],
        pipeline="new_business",
        stage="discovery",
        stage_entered_at=entered,
        created_at=entered,
        amount=Decimal(48000),
        primary_contact_id=contacts[0].id,
    )
    deal_b = d.Opportunity(
        name="Initech expansion",
        account_id=account_b.id,
        owner_id=users["rep_b"],
        pipeline="new_business",
        stage="discovery",
        stage_entered_at=entered,
        created_at=entered,
        amount=Decimal(90000),
    )
    platform = d.Product(sku="platform", name="Northwind Platform")
    with SqlAlchemyUnitOfWork(engine, actor=None, source="test") as uow:
        for record in (account_a, account_b, *contacts, deal_a, deal_b, platform):
            uow.session.add(record)
        uow.price_book.add(d.PriceBookEntry(product_id=platform.id, list_price=Decimal(1200)))
        uow.commit()
    quote = draft_quote(
        system,
        d.DraftQuote(
            opportunity_id=deal_a.id,
            lines=(
                d.QuoteLineRequest(
                    product="platform",
                    quantity=Decimal(20),
                    discount_pct=Decimal(15),
                    term_months=12,
                ),
            ),
            at=now,
            requested_by=users["rep_a"],
        ),
    )
    submit_quote(system, d.SubmitQuote(quote_id=quote.id, at=now, requested_by=users["rep_a"]))
    questionnaire = load_questionnaire()
    for name, level in (("day 0", 1), ("day 90", 3)):
        answers = Answers({q.id: level for q in questionnaire.questions})
        assess_store(engine, spec=system.spec, answers=answers, name=name)
    tokens = {role: create_token(engine, user_id) for role, user_id in users.items()}
    return WebCompany(tokens, users, deal_a.id, deal_b.id, quote.id)


@dataclass
class Dashboard:
    """The app, its store and the seeded company."""

    app: FastAPI
    engine: Engine
    company: WebCompany
