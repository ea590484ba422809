"""Builders for the revenue-service tests: the example spec, a fixed clock, a small company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.store import SqlAlchemyUnitOfWork

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
"""A Monday morning, UTC."""

QUALIFIED = {
    "identified_pain": "churn",
    "metrics": "cut churn 20%",
    "champion": "Ana",
    "decision_criteria": "SSO",
    "competitor": "Acme BI",
    "economic_buyer": "CFO",
    "decision_process": "board",
    "paper_process": "MSA",
}


@dataclass
class Company:
    """The seeded records tests refer to."""

    rep: d.User
    manager: d.User
    vp: d.User
    desk: d.User
    account: d.Account
    contacts: list[d.Contact]
    deal: d.Opportunity
    platform: d.Product
    support: d.Product


def seed_company(engine: Engine, *, ready: bool = False) -> Company:
    """Users holding the approver roles, an account with three contacts, two products
    priced in the standard book, and a deal in discovery (``ready``: fully qualified)."""
    rep = d.User(name="Rita Rep", email="rita@northwind.example", role=d.UserRole.AE)
    manager = d.User(
        name="Max Manager",
        email="max@northwind.example",
        role=d.UserRole.MANAGER,
        roles=["sales_manager"],
    )
    vp = d.User(name="Vera VP", email="vera@northwind.example", role=d.UserRole.VP_SALES)
    desk = d.User(name="Dora Desk", email="dora@northwind.example", role=d.UserRole.DEAL_DESK)
    account = d.Account(name="Globex", domain="globex.example", country="US", owner_id=rep.id)
    contacts = [
        d.Contact(account_id=account.id, last_name=name, persona=persona)
        for name, persona in (("Ames", "economic_buyer"), ("Berg", "champion"), ("Cruz", None))
    ]
    deal = d.Opportunity(
        name="Globex platform",
        account_id=account.id,
        owner_id=rep.id,
        pipeline="new_business",
        stage="discovery",
        stage_entered_at=T0,
        created_at=T0,
        primary_contact_id=contacts[0].id,
    )
    if ready:
        deal.next_step = "demo"
        deal.amount = Decimal(50000)
        deal.close_date = T0.date().replace(month=6, day=30)
        deal.qualification = dict(QUALIFIED)
        deal.custom_fields = {"security_review_done": True}
    platform = d.Product(sku="platform", name="Northwind Platform")
    support = d.Product(sku="premium_support", name="Premium support")
    with SqlAlchemyUnitOfWork(engine, actor=None, source="test") as uow:
        for record in (rep, manager, vp, desk, account, *contacts, deal, platform, support):
            uow.session.add(record)
        uow.price_book.add(d.PriceBookEntry(product_id=platform.id, list_price=Decimal(1200)))
        uow.price_book.add(d.PriceBookEntry(product_id=support.id, list_price=Decimal(25000)))
        uow.commit()
    return Company(rep, manager, vp, desk, account, contacts, deal, platform, support)
