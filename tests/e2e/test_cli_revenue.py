"""``l2o lead|deal|quote`` and ``l2o replay`` through the CLI: one-line refusals naming the
record and rule, overrides with a role and a reason, the quote-to-order path, JSON output."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from l2o import domain as d
from l2o.entrypoints.cli import app as root
from l2o.entrypoints.cli import revenue
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade

pytestmark = pytest.mark.e2e

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "services"))
from revenue_builders import EXAMPLES, seed_company  # noqa: E402

runner = CliRunner()
SPEC = str(EXAMPLES / "revenue-machine.yaml")
AT = "2025-03-03T10:00:00+00:00"


def _cli() -> typer.Typer:
    """The real ``l2o`` app once it registers these commands; until then the same wiring."""
    names = {group.name for group in root.registered_groups}
    if {"lead", "deal", "quote", "account", "lifecycle"} <= names:
        return root
    app = typer.Typer()
    app.add_typer(revenue.lead_app, name="lead")
    app.add_typer(revenue.deal_app, name="deal")
    app.add_typer(revenue.quote_app, name="quote")
    app.add_typer(revenue.account_app, name="account")
    app.add_typer(revenue.lifecycle_app, name="lifecycle")
    app.command("replay")(revenue.replay)
    return app


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'l2o.db'}"
    upgrade(url)
    return url


@pytest.fixture
def engine(db: str) -> Engine:
    return engine_for(db)


def test_a_refused_advance_is_one_line_naming_the_deal_and_rule(db: str, engine: Engine) -> None:
    company = seed_company(engine)
    code, out, err = _invoke(
        "deal", "advance", company.deal.id, "solution_validation", "--spec", SPEC, "--db", db,
        "--at", AT,
    )  # fmt: skip
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"error: Opportunity {company.deal.id}: refused by gate.discovery.exit")
    assert "discovery: next_step is empty" in err


def test_an_override_needs_role_and_reason_and_is_reported(db: str, engine: Engine) -> None:
    company = seed_company(engine)
    base = ["deal", "advance", company.deal.id, "solution_validation", "--spec", SPEC, "--db", db]
    code, _, err = _invoke(*base, "--override", "--role", "sales_manager")
    assert code == 1
    assert "--override needs --role and --reason" in err
    code, out, err = _invoke(
        *base, "--override", "--role", "sales_manager", "--reason", "sponsor call done",
        "--as", company.manager.email or "", "--at", AT, "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["override_used"] is True
    assert data["to_stage"] == "solution_validation"


def test_quote_submit_approve_accept(db: str, engine: Engine) -> None:
    company = seed_company(engine)
    quote = d.Quote(opportunity_id=company.deal.id, account_id=company.account.id)
    quote.add_line(
        list_price=Decimal(1200), quantity=Decimal(20), discount_pct=Decimal(15),
        product_id=company.platform.id,
    )  # fmt: skip
    with SqlAlchemyUnitOfWork(engine) as uow:
        uow.quotes.add(quote)
        uow.commit()
    common = ["--spec", SPEC, "--db", db, "--at", AT]
    code, out, err = _invoke("quote", "submit", quote.id, *common, "--as", company.rep.id)
    assert code == 0, err
    assert out.strip() == f"quote {quote.id}: in_approval, waiting for sales_manager"
    code, _, err = _invoke("quote", "approve", quote.id, *common, "--as", company.rep.id)
    assert code == 1
    assert "refused by approval.self" in err
    code, out, err = _invoke("quote", "approve", quote.id, *common, "--as", company.manager.id)
    assert code == 0, err
    code, out, err = _invoke(
        "quote", "accept", quote.id, *common, "--start", "2025-04-01", "--json"
    )
    assert code == 0, err
    booked = json.loads(out)
    assert (booked["start_date"], booked["end_date"]) == ("2025-04-01", "2026-03-31")


def test_lead_add_and_route_explain(db: str, engine: Engine) -> None:
    with SqlAlchemyUnitOfWork(engine) as uow:
        for email in ("maya.chen", "luis.ortiz", "priya.nair"):
            uow.users.add(d.User(name=email, email=f"{email}@northwind.example"))
        uow.commit()
    code, out, err = _invoke(
        "lead", "add", "--email", "ana@nowhere.example", "--country", "us", "--spec", SPEC,
        "--db", db, "--at", AT, "--json",
    )  # fmt: skip
    assert code == 0, err
    lead_id = json.loads(out)["lead_id"]
    code, out, err = _invoke("lead", "route", lead_id, "--explain", "--spec", SPEC, "--db", db,
                             "--at", AT)  # fmt: skip
    assert code == 0, err
    assert "why: rule north_america: country US in CA, US" in out
    assert "not existing_customer: not account_id is set" in out


def test_replay_json(db: str, engine: Engine) -> None:
    seed_company(engine)
    code, out, err = _invoke("replay", "--spec", SPEC, "--db", db, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == {"stage_moves", "discounts", "assignments"}
    assert set(report["stage_moves"]) >= {"seen", "refused", "changed"}
    code, _, err = _invoke("replay", "--spec", "missing.yaml", "--db", db)
    assert code == 1
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_account_health_and_lifecycle_run(db: str, engine: Engine) -> None:
    company = seed_company(engine)
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        uow.contracts.add(
            d.Contract(
                account_id=company.account.id,
                start_date=date(2024, 6, 1),
                end_date=date(2025, 6, 30),
                arr=Decimal("90000"),
            )
        )
        uow.usage.add(
            d.UsageRecord(
                account_id=company.account.id,
                metric="active_users",
                quantity=Decimal(45),
                licensed_seats=50,
                occurred_at=datetime(2025, 3, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    code, out, err = _invoke(
        "account", "health", company.account.id, "--spec", SPEC, "--db", db, "--at", AT,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"account {company.account.id}: health ")
    assert "seat_utilisation: seats_active 90.0 -> 90/100" in out
    code, out, err = _invoke("lifecycle", "run", "--as-of", "2025-03-03", "--spec", SPEC,
                             "--db", db, "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert (data["accounts"], data["renewals_opened"], data["expansion_signals"]) == (1, 1, 1)
    code, _, err = _invoke("lifecycle", "run", "--as-of", "03/03/2025", "--spec", SPEC, "--db", db)
    assert code == 1
    assert err.startswith("error: --as-of")
    code, _, err = _invoke("account", "health", "nope", "--spec", SPEC, "--db", db)
    assert code == 1
    assert "nope" in err
