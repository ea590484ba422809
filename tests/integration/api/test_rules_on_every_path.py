"""No path around the architecture: the same rule decides through the service, the CLI, the
API, the dashboard and signed inbound events - same refusal, same reasons, same score.

Each test puts one command through every path that can carry it, over one store, and
compares what each path answered with what the use case itself decides.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from api_world import EXAMPLES, T0, World, auth, signed
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from l2o import domain as d
from l2o.entrypoints.cli import app as cli
from l2o.entrypoints.server import create_app
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import advance_opportunity
from l2o.services.errors import CommandRefused
from l2o.services.leads import add_lead
from l2o.services.leads_batch import NewLead, add_leads
from l2o.store import SqlAlchemyUnitOfWork

SPEC = EXAMPLES / "revenue-machine.yaml"
runner = CliRunner()


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout


def _stage_of(engine: Engine, deal_id: str) -> str:
    with SqlAlchemyUnitOfWork(engine) as uow:
        return uow.opportunities.get(deal_id).stage


@pytest.fixture
def system(engine: Engine) -> RevenueSystem:
    return RevenueSystem.build(SPEC, engine)


def test_a_stage_move_missing_its_exit_criteria_is_refused_alike_on_every_path(
    engine: Engine, world: World, client: TestClient, system: RevenueSystem, tmp_path: Path
) -> None:
    to_stage = "solution_validation"
    with pytest.raises(CommandRefused) as decided:
        advance_opportunity(
            system,
            d.ChangeOpportunityStage(
                opportunity_id=world.east_deal, to_stage=to_stage, at=T0 + timedelta(days=1)
            ),
        )
    expected = {(r.rule, r.text) for r in decided.value.reasons}
    assert len(expected) >= 2, "the seeded deal misses several exit criteria"

    code, out = _cli("deal", "advance", world.east_deal, to_stage, "--spec", str(SPEC),
                     "--db", _url(engine), "--json")  # fmt: skip
    assert code == 1
    by_cli = json.loads(out.splitlines()[0])["error"]
    assert by_cli["rule"] == decided.value.rule
    assert {(r["rule"], r["text"]) for r in by_cli["reasons"]} == expected

    by_api = client.post(
        f"/opportunities/{world.east_deal}/advance",
        json={"to_stage": to_stage},
        headers=auth(world.tokens["rep_east"]),
    )
    assert by_api.status_code == 409
    assert by_api.json()["rule"] == decided.value.rule
    assert {(r["rule"], r["text"]) for r in by_api.json()["reasons"]} == expected

    with TestClient(create_app(engine, spec=SPEC), follow_redirects=False) as browser:
        assert browser.post("/signin", data={"token": world.tokens["rep_east"]}).is_redirect
        by_page = browser.post(f"/deals/{world.east_deal}/advance", data={"to_stage": to_stage})
    assert by_page.status_code == 409
    for _rule, text in expected:
        assert _escaped(text) in by_page.text

    assert _stage_of(engine, world.east_deal) == "discovery", "no path moved the deal"


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


_LEAD = {
    "first_name": "Lena",
    "last_name": "Lake",
    "company": "Globex",
    "title": "VP Revenue Operations",
    "country": "US",
    "lead_source": "webinar",
    "channel": "webinar",
}


def _scored(engine: Engine, lead_id: str) -> tuple[Any, ...]:
    with SqlAlchemyUnitOfWork(engine) as uow:
        lead = uow.leads.get(lead_id)
        return (lead.fit_score, lead.engagement_score, lead.status)


def test_a_new_lead_is_scored_and_staged_alike_on_every_path(
    engine: Engine, world: World, client: TestClient, system: RevenueSystem
) -> None:
    at = T0 + timedelta(days=2)
    by_service = add_lead(
        system, d.AddLead(at=at, email="lena.1@globex.example", route=False, **_LEAD)
    ).lead_id
    (by_batch,) = add_leads(
        system,
        [NewLead(d.AddLead(at=at, email="lena.2@globex.example", route=False, **_LEAD))],
    )
    code, out = _cli("lead", "add", "--email", "lena.3@globex.example",
                     "--first-name", "Lena", "--last-name", "Lake", "--company", "Globex",
                     "--title", "VP Revenue Operations", "--country", "US",
                     "--source", "webinar", "--channel", "webinar", "--no-route",
                     "--at", at.isoformat(), "--spec", str(SPEC), "--db", _url(engine),
                     "--json")  # fmt: skip
    assert code == 0, out
    by_cli = json.loads(out)["lead_id"]
    answer = client.post(
        "/leads",
        json={**_LEAD, "email": "lena.4@globex.example", "route": False, "at": at.isoformat()},
        headers=auth(world.tokens["admin"]),
    )
    assert answer.status_code == 201, answer.text
    by_api = answer.json()["lead_id"]

    reference = _scored(engine, by_service)
    assert reference[0] is not None
    assert reference[0] > 0, "the spec's fit rules scored it"
    for lead_id in (by_batch.lead_id, by_cli, by_api):
        assert _scored(engine, lead_id) == reference


def test_a_touch_rescores_the_lead_alike_from_the_cli_the_api_and_a_signed_webhook(
    engine: Engine, world: World, client: TestClient, system: RevenueSystem
) -> None:
    at = T0 + timedelta(days=3)
    twins = [
        add_lead(
            system, d.AddLead(at=at, email=f"twin.{n}@globex.example", route=False, **_LEAD)
        ).lead_id
        for n in (1, 2, 3)
    ]
    touched_at = (at + timedelta(hours=1)).isoformat()
    code, out = _cli("lead", "touch", twins[0], "demo_request", "--at", touched_at,
                     "--spec", str(SPEC), "--db", _url(engine), "--json")  # fmt: skip
    assert code == 0, out
    answer = client.post(
        f"/leads/{twins[1]}/touchpoints",
        json={"touch_type": "demo_request", "at": touched_at},
        headers=auth(world.tokens["admin"]),
    )
    assert answer.status_code == 200, answer.text

    event = {
        "type": "touchpoint.logged",
        "data": {"lead_id": twins[2], "touch_type": "demo_request", "at": touched_at},
    }
    body, headers = signed(event, "msg_twin_3")
    assert client.post("/webhooks/inbound", content=body, headers=headers).status_code < 300

    first, *others = (_scored(engine, lead_id) for lead_id in twins)
    assert others == [first, first]
    assert first[1] > 0, "the demo request counted as engagement"
