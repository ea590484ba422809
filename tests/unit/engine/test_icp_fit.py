"""ICP fit: tier and score with a reason per criterion, disqualifiers, leads, personas."""

from __future__ import annotations

from decimal import Decimal

import pytest
from engine_builders import build_spec

from l2o.domain import Account, Lead
from l2o.engine import IcpModel, UnknownFieldError, render
from l2o.spec import ArchitectureSpec


def core_account(**overrides: object) -> Account:
    values: dict[str, object] = {
        "name": "Globex",
        "industry": "software",
        "employees": 350,
        "annual_revenue": Decimal("80000000"),
        "country": "US",
        "technologies": ["Snowflake", "Looker"],
    }
    values.update(overrides)
    return Account(**values)  # type: ignore[arg-type]


def test_account_gets_the_best_tier_it_reaches_with_a_reason_per_criterion(
    revenue_machine: ArchitectureSpec,
) -> None:
    fit = IcpModel(revenue_machine).fit_account(core_account())
    assert fit.tier == "tier_2"
    assert fit.score == 100
    text = render(fit.reasons)
    assert "tier_2: fit 100 reaches 60" in text
    # tier_2 constrains industry, employees, country and technologies (weights 30+25+15+10):
    # each counts for its share of 80, scaled to 100.
    assert "industry software +37.5" in text
    assert "employees 350 within over 200 and up to 1000 +31.2" in text
    assert "uses Snowflake +12.5" in text
    tier_1 = fit.tiers[0]
    assert (tier_1.tier, tier_1.reached) == ("tier_1", False)
    assert "employees 350 outside over 1000 and up to 20000 +0 (of 25)" in render(tier_1.reasons)


def test_no_tier_reached_reports_the_best_fit(revenue_machine: ArchitectureSpec) -> None:
    account = core_account(industry="retail", employees=30, country="BR", technologies=[])
    fit = IcpModel(revenue_machine).fit_account(account)
    assert fit.tier is None
    assert fit.score is not None
    assert fit.reasons[0].text.startswith("no tier reached: best fit")


def test_disqualifier_removes_the_tier_whatever_the_fit(revenue_machine: ArchitectureSpec) -> None:
    fit = IcpModel(revenue_machine).fit_account(core_account(industry="analytics_software"))
    assert fit.tier is None
    assert fit.disqualified_by == "competitor"
    assert fit.reasons[0].text == "disqualified: Competitors and their resellers"


def test_custom_criteria_read_custom_fields(revenue_machine: ArchitectureSpec) -> None:
    small = core_account(employees=120, industry="retail", technologies=[])
    model = IcpModel(revenue_machine)
    without = model.fit_account(small)
    with_warehouse = model.fit_account(
        core_account(employees=120, industry="retail", custom_fields={"data_warehouse": "dbx"})
    )
    tier_3 = {t.tier: t for t in without.tiers}["tier_3"]
    assert "custom criteria not met: data_warehouse is set" in render(tier_3.reasons)
    assert with_warehouse.tier == without.tier == "tier_3"


def test_lead_is_scored_through_its_matched_account(revenue_machine: ArchitectureSpec) -> None:
    model = IcpModel(revenue_machine)
    lead = Lead(country="US", title="Head of Data")
    matched = model.fit_lead(lead, core_account())
    alone = model.fit_lead(lead, None)
    assert matched.tier == "tier_2"
    assert matched.reasons[0].text == "firmographics of matched account Globex"
    assert alone.tier is None
    assert "industry unknown" in render(alone.tiers[0].reasons)
    assert "country US +15" in render(alone.tiers[0].reasons)


def test_personas_match_titles_case_insensitively(revenue_machine: ArchitectureSpec) -> None:
    model = IcpModel(revenue_machine)
    match = model.persona_for("VP, Data & Analytics")
    assert match is not None
    assert (match.persona, match.role) == ("data_leader", "economic_buyer")
    assert model.persona_for("Senior Analytics Engineer") is not None
    assert model.persona_for("Office manager") is None
    assert model.persona_for(None) is None


def test_spec_without_tiers_scores_nothing(founder_led: ArchitectureSpec) -> None:
    fit = IcpModel(build_spec()).fit_account(core_account())
    assert (fit.tier, fit.score) == (None, None)
    founder = IcpModel(founder_led).fit_account(core_account(industry="logistics", employees=80))
    assert founder.tier == "ideal"


def test_unknown_field_in_a_disqualifier_is_an_error() -> None:
    # Built without load_spec (which would refuse it): the engine checks names itself.
    spec = ArchitectureSpec.model_validate(
        {
            "version": 1,
            "company": {"name": "Acme"},
            "icp": {
                "disqualifiers": [
                    {"id": "x", "reason": "r", "when": {"field": "indstry", "operator": "is_set"}}
                ]
            },
        }
    )
    with pytest.raises(UnknownFieldError, match=r"'indstry'.*'industry'"):
        IcpModel(spec)
