"""Stage gates: exit criteria of every stage left, entry criteria, skipping, backward moves,
overrides by permitted roles with a reason, stalled deals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from engine_builders import T0, build_spec
from hypothesis import given, settings
from hypothesis import strategies as st

from l2o.domain import Opportunity
from l2o.engine import EngineError, Override, StageGates, render
from l2o.spec import ArchitectureSpec

RELATED = {"contact_roles": 3, "line_items": 2, "approved_quote": 1, "signed_order_form": 1}
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


def deal(stage: str = "discovery", **extra: Any) -> Opportunity:
    values: dict[str, Any] = {"name": "Globex platform", "stage": stage, "pipeline": "new_business"}
    values.update(extra)
    return Opportunity(**values)


def ready_deal(stage: str = "discovery") -> Opportunity:
    from datetime import date
    from decimal import Decimal

    return deal(
        stage,
        next_step="demo",
        primary_contact_id="c1",
        amount=Decimal(50000),
        close_date=date(2025, 6, 30),
        qualification=dict(QUALIFIED),
        custom_fields={"security_review_done": True},
    )


@pytest.fixture
def gates(revenue_machine: ArchitectureSpec) -> StageGates:
    return StageGates(revenue_machine)


def test_refusal_lists_every_missing_exit_criterion(gates: StageGates) -> None:
    decision = gates.check(deal(), "solution_validation")
    assert not decision.allowed
    assert [str(m) for m in decision.missing] == [
        "discovery: qualification identified_pain (Identified pain) not confirmed",
        "discovery: qualification metrics (Metrics) not confirmed",
        "discovery: next_step is empty",
    ]
    assert decision.stages_left == ("discovery",)


def test_advance_with_criteria_met(gates: StageGates) -> None:
    decision = gates.check(ready_deal(), "solution_validation")
    assert decision.allowed
    assert decision.criteria_met
    assert not decision.override_used
    assert render(decision.reasons) == "discovery -> solution_validation: every criterion met"


def test_related_records_and_checkbox_fields(gates: StageGates) -> None:
    opp = ready_deal("negotiation")
    opp.custom_fields["security_review_done"] = False
    decision = gates.check(opp, "closed_won", related={"approved_quote": 0})
    assert [str(m) for m in decision.missing] == [
        "negotiation: security_review_done is empty",
        "negotiation: no approved_quote",
        "closed_won: no signed_order_form",
    ]
    few = gates.check(
        ready_deal("solution_validation"), "business_case", related={"contact_roles": 1}
    )
    assert "solution_validation: contact_roles: 1 of 3 required" in [str(m) for m in few.missing]


def test_skipping_needs_permission_and_checks_every_stage_left(gates: StageGates) -> None:
    decision = gates.check(deal(), "business_case")
    assert decision.stages_left == ("discovery", "solution_validation")
    assert {m.stage for m in decision.missing} == {"discovery", "solution_validation"}
    assert "skips solution_validation" in render(decision.policy)


def test_backward_moves_follow_the_pipeline(gates: StageGates) -> None:
    back = gates.check(deal("business_case", primary_contact_id="c1"), "discovery")
    assert back.allowed
    renewal = Opportunity(name="R", stage="renewal_proposal", pipeline="renewal")
    refused = gates.check(renewal, "renewal_planning")
    assert not refused.allowed
    assert "does not allow backward moves" in render(refused.policy)


def test_lost_needs_only_a_loss_reason(gates: StageGates) -> None:
    assert not gates.check(deal(), "closed_lost").allowed
    assert gates.check(deal(loss_reason="budget"), "closed_lost").allowed


def test_override_needs_a_permitted_role_and_a_reason(gates: StageGates) -> None:
    wrong_role = gates.check(deal(), "solution_validation", override=Override("ae", "trust me"))
    no_reason = gates.check(deal(), "solution_validation", override=Override("sales_manager", " "))
    good = gates.check(
        deal(),
        "solution_validation",
        override=Override("sales_manager", "exec sponsor call", by="u9"),
    )
    assert not wrong_role.allowed
    # The permitted roles are the pipeline's own, from the spec.
    assert (
        "role 'ae' may not override gates of pipeline new_business "
        "(override_roles: sales_manager, vp_sales)"
    ) in render(wrong_role.reasons)
    assert not no_reason.allowed
    assert good.allowed
    assert good.override_used
    assert not good.criteria_met
    assert "overridden by sales_manager (u9): exec sponsor call" in render(good.reasons)


def test_moves_that_make_no_sense_cannot_be_overridden(gates: StageGates) -> None:
    closed = deal("closed_won", is_closed=True)
    override = Override("sales_manager", "because")
    assert gates.check(closed, "discovery", override=override).invalid is not None
    assert not gates.check(deal(), "nowhere", override=override).allowed
    assert not gates.check(deal(), "discovery").allowed
    with pytest.raises(EngineError, match="pipeline 'nope'"):
        gates.check(Opportunity(name="x", stage="a", pipeline="nope"), "b")


def test_stalled_deals_are_flagged(gates: StageGates) -> None:
    fresh = deal(stage_entered_at=T0)
    old = deal(stage_entered_at=T0 - timedelta(days=30))
    found = gates.stalled([fresh, old], T0)
    assert [o for o, _ in found] == [old]
    assert found[0][1].reason.text == "30 days in discovery, limit 21: stalled"


def test_founder_led_allows_skipping(founder_led: ArchitectureSpec) -> None:
    gates = StageGates(founder_led)
    opp = Opportunity(name="x", stage="intro_call", pipeline="sales")
    decision = gates.check(opp, "proposal")
    assert decision.policy == ()
    assert [str(m) for m in decision.missing] == ["demo: amount is empty"]


# --- property: no advance without the exit criteria of every stage left -------------------

STAGES = ["s1", "s2", "s3", "s4"]
ELEMENTS = ["metrics", "champion", "economic_buyer", "budget"]


def _gate_spec(skipping: bool) -> ArchitectureSpec:
    return build_spec(
        pipeline={
            "qualification": {"name": "Q", "elements": [{"id": e, "field": e} for e in ELEMENTS]},
            "pipelines": [
                {
                    "id": "p",
                    "deal_type": "new_business",
                    "allow_stage_skipping": skipping,
                    "stages": [
                        *[
                            {
                                "id": s,
                                "probability": 10 * (i + 1),
                                "forecast_category": "pipeline",
                                "exit_criteria": [
                                    {"qualification": ELEMENTS[i]},
                                    {"related": "quote", "min_count": i + 1},
                                ],
                            }
                            for i, s in enumerate(STAGES)
                        ],
                        {
                            "id": "won",
                            "probability": 100,
                            "forecast_category": "closed",
                            "outcome": "won",
                        },
                        {
                            "id": "lost",
                            "probability": 0,
                            "forecast_category": "omitted",
                            "outcome": "lost",
                        },
                    ],
                }
            ],
        },
    )


GATE_SPECS = {flag: _gate_spec(flag) for flag in (False, True)}


@settings(max_examples=150, deadline=None)
@given(
    skipping=st.booleans(),
    start=st.integers(0, 3),
    target=st.sampled_from([*STAGES, "won", "lost"]),
    confirmed=st.sets(st.sampled_from(ELEMENTS)),
    quotes=st.integers(0, 4),
    override=st.one_of(
        st.none(),
        st.builds(Override, st.sampled_from(["sales_manager", "ae"]), st.sampled_from(["", "ok"])),
    ),
)
def test_no_advance_without_every_left_stage_exit_criteria(
    skipping: bool,
    start: int,
    target: str,
    confirmed: set[str],
    quotes: int,
    override: Override | None,
) -> None:
    gates = StageGates(GATE_SPECS[skipping])
    opp = Opportunity(
        name="x", stage=STAGES[start], pipeline="p", qualification=dict.fromkeys(confirmed, "yes")
    )
    decision = gates.check(opp, target, related={"quote": quotes}, override=override)
    ladder = [*STAGES, "won"]
    if not decision.allowed or target == "lost" or ladder.index(target) <= start:
        return
    left = ladder[start : ladder.index(target)]
    met = all(
        ELEMENTS[STAGES.index(s)] in confirmed and quotes >= STAGES.index(s) + 1 for s in left
    )
    permitted = (
        override is not None and override.role == "sales_manager" and override.reason.strip() != ""
    )
    assert met or (permitted and decision.override_used)
    if len(left) > 1 and not skipping:
        assert permitted
        assert decision.override_used
