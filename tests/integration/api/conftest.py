"""Fixtures for the API: a migrated store, the example spec, two teams and their tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.entrypoints.api import create_api
from l2o.entrypoints.api.config import ApiSettings
from l2o.services.access import add_user, create_token
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
WEBHOOK_SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # 24 bytes of base64


@dataclass
class World:
    """Who is who, their tokens, and the records the tests point at."""

    tokens: dict[str, str]
    users: dict[str, str]
    east_deal: str
    west_deal: str
    quote: str


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def world(engine: Engine) -> World:
    users = {
        "admin": add_user(engine, name="Ada Admin", access_role="admin"),
        "manager_east": add_user(
            engine,
            name="Max East",
            access_role="manager",
            team="east",
            spec_roles=("sales_manager",),
        ),
    }
    users["rep_east"] = add_user(
        engine, name="Rita East", access_role="rep", team="east", manager_id=users["manager_east"]
    )
    users["rep_west"] = add_user(engine, name="Will West", access_role="rep", team="west")
    users["viewer"] = add_user(engine, name="Bo Board", access_role="viewer")
    account = d.Account(
        name="Globex", domain="globex.example", country="US", owner_id=users["rep_east"]
    )
    contact = d.Contact(account_id=account.id, last_name="Ames", persona="economic_buyer")
    east = d.Opportunity(
        name="Globex platform",
        account_id=account.id,
        owner_id=users["rep_east"],
        pipeline="new_business",
        stage="discovery",
        stage_entered_at=T0,
        created_at=T0,
        primary_contact_id=contact.id,
    )
    west_account = d.Account(name="Initech", owner_id=users["rep_west"])
    west = d.Opportunity(
        name="Initech renewal",
        account_id=west_account.id,
        owner_id=users["rep_west"],
        pipeline="new_business",
        stage="discovery",
        stage_entered_at=T0,
        created_at=T0,
    )
    platform = d.Product(sku="platform", name="Northwind Platform")
    quote = d.Quote(
        opportunity_id=east.id,
        account_id=account.id,
        owner_id=users["rep_east"],
        status=d.QuoteStatus.DRAFT,
    )
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        for record in (account, contact, east, west_account, west, platform, quote):
            uow.session.add(record)
        uow.price_book.add(d.PriceBookEntry(product_id=platform.id, list_price=Decimal(1200)))
        uow.commit()
    tokens = {name: create_token(engine, user_id) for name, user_id in users.items()}
    return World(tokens, users, east.id, west.id, quote.id)


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    settings = ApiSettings(
        inbound_webhook_secret=WEBHOOK_SECRET,
        data_dir=tmp_path / "data",
        max_body_bytes=20_000,
        page_size=2,
        max_page_size=3,
    )
    app = create_api(engine, spec=EXAMPLES / "revenue-machine.yaml", settings=settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}
