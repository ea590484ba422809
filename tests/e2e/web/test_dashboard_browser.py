"""The dashboard in headless Chromium (Debian's, driven by Playwright; no browser download):
sign in, the L2O Index with its charts drawn, a refused move showing its missing criteria, a
discount approved by an approver and its audit row, a rep who cannot see another team's
deal, and an adviser reading the forecast with its track record and the attribution by
model. Screenshots of each step land in the test's temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from outcomes_company import OutcomesDashboard
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_company import Dashboard

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; skipped where it is not installed (scripts/system-deps)."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip("Debian's chromium is not installed: run scripts/system-deps")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The browser tests run on SQLite (the pages' queries run on both in the page tests)."""
    return str(request.getfixturevalue("sqlite_url"))


def _sign_in(browser: Browser, base: str, token: str) -> Page:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.goto(f"{base}/signin")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_sign_in_index_refused_move_approval_and_audit(
    browser: Browser, served: tuple[str, Dashboard], tmp_path: Path
) -> None:
    base, dashboard = served
    company = dashboard.company

    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.goto(f"{base}/signin")
    page.fill("#token", "l2o_not-a-token")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    page.close()

    page = _sign_in(browser, base, company.tokens["admin"])
    expect(page.locator(".who .person")).to_have_text("Ada Admin")
    page.screenshot(path=tmp_path / "overview.png", full_page=True)

    page.click("nav >> text=L2O Index")
    expect(page.get_by_test_id("index-value")).to_have_text("3.00")
    for chart in ("chart-radar", "chart-quadrant", "chart-comparison"):
        expect(page.locator(f"#{chart}")).to_have_attribute("data-drawn", "yes")
        expect(page.locator(f"#{chart} svg")).to_have_count(1)
    page.screenshot(path=tmp_path / "index.png", full_page=True)

    page.click("nav >> text=Pipeline")
    card = page.locator(f"[data-deal='{company.deal_a}']")
    card.get_by_role("button", name="Advance to Solution validation").click()
    refusal = card.get_by_role("alert")
    expect(refusal).to_contain_text("Refused by gate.discovery.exit")
    expect(refusal.locator("li")).not_to_have_count(0)
    expect(refusal).to_contain_text("discovery: next_step is empty")
    page.screenshot(path=tmp_path / "refused.png", full_page=True)
    page.click("text=Sign out")
    page.wait_for_url(f"{base}/signin")

    page = _sign_in(browser, base, company.tokens["approver"])
    page.click("nav >> text=Approvals")
    approval = page.locator(".approval").first
    expect(approval).to_contain_text("Globex platform")
    approval.get_by_role("button", name="Approve").click()
    expect(approval.get_by_role("status")).to_contain_text("Approved")
    page.screenshot(path=tmp_path / "approved.png", full_page=True)

    page.click("nav >> text=Audit")
    rows = page.locator("table.audit tbody tr")
    expect(rows.filter(has_text="Approval").filter(has_text="status").first).to_contain_text(
        "Abe Approver"
    )
    page.screenshot(path=tmp_path / "audit.png", full_page=True)

    page.click("text=Sign out")
    page.wait_for_url(f"{base}/signin")
    page.goto(f"{base}/pipeline")
    page.wait_for_url(f"{base}/signin")


def test_a_rep_does_not_see_another_teams_deal(
    browser: Browser, served: tuple[str, Dashboard], tmp_path: Path
) -> None:
    base, dashboard = served
    company = dashboard.company
    page = _sign_in(browser, base, company.tokens["rep_b"])
    nav = page.locator("header nav")
    expect(nav).not_to_contain_text("Approvals")
    expect(nav).not_to_contain_text("Audit")
    page.click("nav >> text=Pipeline")
    expect(page.locator(f"[data-deal='{company.deal_b}']")).to_have_count(1)
    expect(page.locator(f"[data-deal='{company.deal_a}']")).to_have_count(0)
    page.screenshot(path=tmp_path / "rep-pipeline.png", full_page=True)
    response = page.goto(f"{base}/deals/{company.deal_a}")
    assert response is not None
    assert response.status == 403
    expect(page.locator("main h1")).to_have_text("You cannot open this page")
    expect(page.locator("main")).to_contain_text("outside your scope")
    page.screenshot(path=tmp_path / "rep-refused.png", full_page=True)


def _drawn(page: Page, chart: str) -> None:
    figure = page.locator(f"#{chart}")
    expect(figure).to_have_attribute("data-drawn", "yes", timeout=15_000)
    expect(figure.locator("svg")).to_have_count(1)
    expect(figure.locator("svg .mark-rect path, svg .mark-rect")).not_to_have_count(0)


def test_an_adviser_reads_the_forecast_track_record_and_attribution(
    browser: Browser, outcomes_served: tuple[str, OutcomesDashboard], tmp_path: Path
) -> None:
    base, dashboard = outcomes_served
    page = _sign_in(browser, base, dashboard.tokens["viewer"])
    nav = page.locator("header nav")
    expect(nav).to_contain_text("Forecast")
    expect(nav).to_contain_text("Attribution")
    expect(nav).not_to_contain_text("Audit")

    page.click("nav >> text=Forecast")
    _drawn(page, "chart-forecast")
    expect(page.get_by_test_id("forecast-p50")).to_contain_text("USD")
    verdict = page.get_by_test_id("trust-verdict")
    expect(verdict).to_contain_text("has earned trust", timeout=30_000)
    _drawn(page, "chart-track-record")
    expect(page.get_by_test_id("trusted-method")).not_to_be_empty()
    page.screenshot(path=tmp_path / "forecast.png", full_page=True)

    page.click("nav >> text=Attribution")
    _drawn(page, "chart-credit")
    _drawn(page, "chart-models")
    expect(page.locator("#credit h2").first).to_contain_text("(default)")
    page.screenshot(path=tmp_path / "attribution.png", full_page=True)
    page.select_option("#model", "markov")
    expect(page.locator("#credit h2").first).to_contain_text("Markov")
    _drawn(page, "chart-credit")
    page.screenshot(path=tmp_path / "attribution-markov.png", full_page=True)
    page.select_option("#by", "campaign")
    expect(page.locator("#credit h2").first).to_contain_text("per campaign")
    _drawn(page, "chart-credit")
    page.screenshot(path=tmp_path / "attribution-campaign.png", full_page=True)

    page.click("nav >> text=Revenue")
    for chart in ("chart-retention", "chart-funnel", "chart-stages"):
        _drawn(page, chart)
    page.screenshot(path=tmp_path / "revenue.png", full_page=True)
