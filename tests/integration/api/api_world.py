"""The API tests' company: who is who, their tokens, the records the tests point at."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from standardwebhooks import Webhook

from l2o import domain as d
from l2o.services.access import add_user, create_token
from l2o.store import SqlAlchemyUnitOfWork

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


def seed_world(engine: Engine) -> World:
    """Two teams (east, west) with a manager, a rep and a deal each, an approver, an admin, a
    viewer, a quote on the east deal, and a token for everyone."""
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


def signed(event: dict[str, Any], message_id: str) -> tuple[bytes, dict[str, str]]:
    """``event`` as a Standard Webhooks request signed with the tests' inbound secret."""
    body = json.dumps(event)
    now = datetime.now(UTC)
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(WEBHOOK_SECRET).sign(message_id, now, body),
        "content-type": "application/json",
    }
    return body.encode(), headers


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


#: The SDRs the example spec's lead pools name, by e-mail: a store needs them as users before
#: it can route a lead.
SDRS = (
    "maya.chen@northwind.example",
    "luis.ortiz@northwind.example",
    "priya.nair@northwind.example",
)


def add_sdrs(engine: Engine) -> set[str]:
    """Add the spec's SDRs as users (role rep); their user ids."""
    return {
        add_user(engine, name=email, access_role="rep", email=email, coverage_role=d.UserRole.SDR)
        for email in SDRS
    }
