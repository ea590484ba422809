"""The engine's feature builders read a record as training does: as of the scoring moment."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from l2o.domain import Account, Lead, Opportunity, OpportunityType, Touchpoint
from l2o.services.model_features import deal_feature_builder, lead_feature_builder

ARRIVAL = datetime(2025, 3, 1, 9, tzinfo=UTC)
NAMES = (
    "channel",
    "seniority",
    "personal_email",
    "account_industry",
    "account_employees",
    "first_touch_minutes",
    "touches",
    "touched:events",
    "touched:referrals",
)


def _touch(hours: float, channel: str | None) -> Touchpoint:
    return Touchpoint(
        occurred_at=ARRIVAL + timedelta(hours=hours), touch_type="web_visit", channel=channel
    )


def _account(**values: object) -> Account:
    defaults: dict[str, object] = {
        "name": "Globex",
        "domain": "globex.example",
        "industry": "Software",
        "employees": 450,
        "created_at": ARRIVAL - timedelta(days=30),
    }
    return Account(**(defaults | values))  # type: ignore[arg-type]


def test_touches_after_the_scoring_moment_are_not_seen() -> None:
    build = lead_feature_builder(NAMES)
    lead = Lead(
        email="ana@globex.example",
        title="VP Sales",
        lead_source="Events",
        created_at=ARRIVAL,
        first_touch_at=ARRIVAL + timedelta(hours=2),
    )
    touches = [_touch(-1, "Events"), _touch(2, None), _touch(30, "Referrals")]
    later = build(lead, _account(), touches, ARRIVAL + timedelta(days=10))
    assert later == {
        "channel": "Events",
        "seniority": "vp",
        "personal_email": "no",
        "account_industry": "Software",
        "account_employees": 450.0,
        "first_touch_minutes": later["first_touch_minutes"],
        "touches": 2.0,
        "touched:events": "yes",
        "touched:referrals": "no",
    }
    assert abs(float(later["first_touch_minutes"]) - 120.0) < 1e-6  # type: ignore[arg-type]
    # Scored at arrival, the first touch (two hours later) has not happened yet.
    now = build(lead, _account(), touches, ARRIVAL)
    assert now["touches"] == 1.0
    assert math.isnan(float(now["first_touch_minutes"]))  # type: ignore[arg-type]


def test_only_an_account_that_existed_and_is_not_the_converted_one_counts() -> None:
    build = lead_feature_builder(NAMES)
    lead = Lead(email="bo@gmail.com", created_at=ARRIVAL)
    young = _account(created_at=ARRIVAL + timedelta(days=3))
    assert build(lead, young, [], ARRIVAL + timedelta(days=5))["account_industry"] is None
    assert build(lead, _account(), [], ARRIVAL)["personal_email"] == "yes"
    converted = _account(id="acc-1")
    lead.converted_account_id = "acc-1"
    found = build(lead, converted, [], ARRIVAL)
    assert found["account_industry"] is None
    assert math.isnan(float(found["account_employees"]))  # type: ignore[arg-type]


def test_a_deal_is_read_as_it_was_opened() -> None:
    build = deal_feature_builder(["opportunity_type", "owner_role", "amount_at_creation"])
    deal = Opportunity(name="Globex", stage="discovery", opportunity_type=OpportunityType.RENEWAL)
    assert build(deal, None, "ae", 12_000.0) == {
        "opportunity_type": "renewal",
        "owner_role": "ae",
        "amount_at_creation": 12_000.0,
    }
