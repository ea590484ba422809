"""The forecast and attribution pages over a simulated company's store (TestClient, SQLite and
PostgreSQL): the numbers are the ones ``l2o forecast`` and ``l2o attribution`` compute from
the same store; the backtest comes as a fragment naming the method that has earned trust; a
page a role may not see answers an HTML page that says what the role lacks."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from outcomes_company import OutcomesDashboard
from web_company import Dashboard

from l2o.analytics.attribution import DEFAULT_MODEL, MODELS, make_model
from l2o.entrypoints.web.formatting import label, money
from l2o.entrypoints.web.outcomes import OutcomeCache, forecast_view, track_record
from l2o.publish.outcome_charts import earned_trust
from l2o.services.access import allowed, authenticate
from l2o.services.attribution_reading import read_campaign_names, read_store_journeys

pytestmark = pytest.mark.e2e


def _client(app: object, token: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    assert client.post("/signin", data={"token": token}, follow_redirects=False).status_code == 303
    return client


def _money_figures(text: str) -> set[str]:
    return set(re.findall(r"USD [0-9.,]+[kMB]?", html.unescape(text)))


def test_the_forecast_page_shows_every_method_and_the_interval(
    outcomes_dashboard: OutcomesDashboard,
) -> None:
    client = _client(outcomes_dashboard.app, outcomes_dashboard.tokens["viewer"])
    page = client.get("/forecast")

    assert page.status_code == 200
    view = forecast_view(outcomes_dashboard.engine, OutcomeCache())
    assert view.error is None
    assert f"Forecast {view.period}" in page.text
    for name in view.methods:
        assert label(name) in page.text
    interval = view.interval
    assert interval is not None  # Monte Carlo forecast the open period
    assert interval["p10"] <= interval["p50"] <= interval["p90"]
    assert {money(interval["p50"]), money(interval["p10"])} <= _money_figures(page.text)
    assert 'id="chart-forecast"' in page.text
    assert 'hx-get="/forecast/track-record' in page.text  # the backtest never holds it up


def test_the_track_record_names_the_method_with_the_lowest_error(
    outcomes_dashboard: OutcomesDashboard,
) -> None:
    client = _client(outcomes_dashboard.app, outcomes_dashboard.tokens["admin"])
    fragment = client.get("/forecast/track-record", headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert "<html" not in fragment.text

    scores = track_record(outcomes_dashboard.engine, OutcomeCache())
    trust = earned_trust(scores)
    assert trust is not None
    assert html.escape(trust.sentence, quote=False) in fragment.text
    assert 'id="chart-track-record"' in fragment.text
    summary = client.get("/forecast/summary").text
    assert trust.method.replace("_", " ").capitalize() in summary


def test_the_attribution_page_credits_pipeline_and_revenue_by_the_chosen_model(
    outcomes_dashboard: OutcomesDashboard,
) -> None:
    client = _client(outcomes_dashboard.app, outcomes_dashboard.tokens["rep"])
    page = client.get("/attribution")
    assert page.status_code == 200
    assert f"{DEFAULT_MODEL.capitalize()} (default)" in page.text
    for model in MODELS:
        assert f'value="{model}"' in page.text

    other = next(m for m in MODELS if m != DEFAULT_MODEL)
    fragment = client.get(f"/attribution?model={other}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text  # htmx swaps the credit section alone
    engine = outcomes_dashboard.engine
    pipeline = make_model(other).fit(read_store_journeys(engine)).credits_.as_dict()
    revenue = (
        make_model(other).fit(read_store_journeys(engine, outcome="revenue")).credits_.as_dict()
    )
    table = fragment.text.split('data-testid="credit-table"')[1]
    for channel, credit in pipeline.items():
        assert f"<td>{channel}</td>" in table
        assert money(credit["value"]) in table
        assert money(revenue.get(channel, {"value": 0.0})["value"]) in table
    assert 'id="chart-credit"' in fragment.text
    assert 'id="chart-models"' in fragment.text  # every model side by side, per channel


def test_attribution_per_campaign_names_a_model_that_cannot_run(
    outcomes_dashboard: OutcomesDashboard,
) -> None:
    client = _client(outcomes_dashboard.app, outcomes_dashboard.tokens["manager"])
    journeys = read_store_journeys(outcomes_dashboard.engine).by_campaign()
    page = client.get("/attribution?model=linear&by=campaign")
    assert page.status_code == 200
    assert "Credit per" in page.text
    table = html.unescape(page.text.split('data-testid="credit-table"')[1].split("</table>")[0])
    credits = make_model("linear").fit(journeys).credits_.as_dict()
    assert table.count("<tr><td>") == len(credits)
    names = read_campaign_names(outcomes_dashboard.engine)
    for key in credits:  # each campaign by its name, its source key beside it
        assert f"<tr><td>{names[key]}" in table
        assert f'<span class="muted small">{key}</span>' in table
    chart = html.unescape(page.text.split('id="chart-credit"')[1])
    assert names[next(iter(credits))] in chart
    if len(journeys.channels) > 15:  # exact Shapley stops at 15 players: the page says so
        refused = client.get("/attribution?model=shapley&by=campaign").text
        assert 'data-testid="attribution-error"' in refused
        assert "15" in refused


@pytest.mark.parametrize("role", ["viewer", "rep_a", "approver"])
def test_a_page_a_role_may_not_see_answers_an_html_page_naming_what_it_lacks(
    dashboard: Dashboard, role: str
) -> None:
    principal = authenticate(dashboard.engine, dashboard.company.tokens[role])
    assert principal is not None
    client = _client(dashboard.app, dashboard.company.tokens[role])
    paths = {
        "audit:read": "/audit",
        "assessment:run": "/questionnaire",
        "approval:decide": "/approvals",
        "assessment:read": "/index",
    }
    refused = [p for p in paths if not allowed(principal, p)]
    assert refused  # each of these roles lacks one of them
    for permission in refused:
        response = client.get(paths[permission])
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert f"<code>{permission}</code>" in response.text
        assert "<nav" in response.text  # the person can go on from here
        assert f'href="{paths[permission]}"' not in response.text


def test_a_deal_outside_the_scope_answers_an_html_page(dashboard: Dashboard) -> None:
    client = _client(dashboard.app, dashboard.company.tokens["rep_a"])
    response = client.get(f"/deals/{dashboard.company.deal_b}")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "outside your scope" in response.text
