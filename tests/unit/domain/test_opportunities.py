"""Stage moves are recorded with the deal as it was; closing sets the outcome fields."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from l2o.domain import ForecastCategory, Opportunity, OpportunityStageChanged

T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def _deal() -> Opportunity:
    return Opportunity(
        name="Acme platform",
        stage="Discovery",
        amount=Decimal("48000.00"),
        close_date=date(2025, 6, 30),
    )


def test_move_to_stage_appends_history_with_amount_and_close_date_then() -> None:
    deal = _deal()
    first = deal.move_to_stage("Demo", at=T0, by="u1", criteria_met=True)
    deal.amount = Decimal("52000.00")
    second = deal.move_to_stage("Proposal", at=T0 + timedelta(days=3), by="u1")
    assert deal.stage_history == [first, second]
    assert (first.from_stage, first.to_stage, first.amount) == ("Discovery", "Demo", Decimal(48000))
    assert (second.from_stage, second.amount) == ("Demo", Decimal(52000))
    assert first.close_date == date(2025, 6, 30)
    assert deal.stage == "Proposal"
    assert deal.stage_entered_at == T0 + timedelta(days=3)


def test_a_move_without_exit_criteria_needs_an_override_reason() -> None:
    deal = _deal()
    with pytest.raises(ValueError, match="override reason"):
        deal.move_to_stage("Demo", at=T0, criteria_met=False)
    change = deal.move_to_stage("Demo", at=T0, criteria_met=False, override_reason="CEO ask")
    assert change.override_reason == "CEO ask"


def test_moving_to_the_current_stage_is_refused() -> None:
    with pytest.raises(ValueError, match="already"):
        _deal().move_to_stage("Discovery", at=T0)


def test_close_won_and_lost() -> None:
    won = _deal()
    won.close(stage="Closed Won", won=True, at=T0)
    assert (won.is_closed, won.is_won, won.closed_at) == (True, True, T0)
    assert won.forecast_category == ForecastCategory.CLOSED
    assert won.probability == 100
    with pytest.raises(ValueError, match="closed deals"):
        won.move_to_stage("Discovery", at=T0)

    lost = _deal()
    with pytest.raises(ValueError, match="loss reason"):
        lost.close(stage="Closed Lost", won=False, at=T0)
    lost.close(stage="Closed Lost", won=False, at=T0, loss_reason="price")
    assert (lost.is_won, lost.loss_reason) == (False, "price")
    assert lost.forecast_category == ForecastCategory.OMITTED


def test_weighted_amount() -> None:
    deal = _deal()
    assert deal.weighted_amount() is None
    deal.probability = Decimal("25")
    assert deal.weighted_amount() == Decimal("12000")


def test_stage_changed_event_payload_is_json_safe() -> None:
    deal = _deal()
    change = deal.move_to_stage("Demo", at=T0, by="u1")
    event = OpportunityStageChanged.of(deal, change)
    assert event.event_type == "OpportunityStageChanged"
    assert event.to_payload() == {
        "opportunity_id": deal.id,
        "from_stage": "Discovery",
        "to_stage": "Demo",
        "changed_at": "2025-03-03T09:00:00+00:00",
        "changed_by": "u1",
        "amount": "48000.00",
        "currency": "USD",
        "criteria_met": None,
        "override_reason": None,
    }
