"""Evidence metrics from hand-made facts: values, samples, and insufficient evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from l2o.assess import DIMENSIONS, load_rubric, score_assessment
from l2o.assess.evidence import (
    AccountFacts,
    DealFacts,
    EvidenceFacts,
    LeadFacts,
    Policy,
    QuoteFacts,
    RenewalFacts,
    StageFacts,
    compute_evidence,
    data_quality,
    picklist_consistency,
    policy_from_spec,
    score_auc,
    stall_limits,
)
from l2o.spec import load_spec

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _by_name(facts: EvidenceFacts, policy: Policy | None = None) -> dict[str, tuple]:
    return {m.name: (m.value, m.n) for m in compute_evidence(facts, policy)}


def test_no_data_gives_no_value_for_any_metric_and_scores_nothing():
    metrics = compute_evidence(EvidenceFacts())
    assert metrics
    assert all(m.value is None and m.n == 0 for m in metrics)
    rubric = load_rubric()
    known = [m for m in metrics if rubric.dimension_of(m.name)]
    result = score_assessment(rubric, known)
    assert result.index is None
    assert all(d.score is None for d in result.dimensions)


def test_every_metric_of_both_rubrics_is_computed():
    computed = {m.name for m in compute_evidence(EvidenceFacts())}
    for version in ("v1", "v2"):
        rubric = load_rubric(version)
        names = {r.name for d in DIMENSIONS for r in rubric.for_dimension(d).metrics}
        assert names <= computed, version


def _stages() -> StageFacts:
    # discovery -> qualification -> proposal, one skip (discovery -> proposal), one to won
    transitions = {
        (None, "discovery", None): 10,
        ("discovery", "qualification", True): 6,
        ("discovery", "proposal", False): 2,
        ("qualification", "proposal", True): 6,
        ("proposal", "won", True): 4,
        ("proposal", "lost", None): 3,
    }
    return StageFacts(
        transitions=transitions,
        open_stages=("discovery", "qualification", "proposal"),
        won_stages=frozenset({"won"}),
        visit_stage=np.array(["discovery"] * 5 + ["proposal"] * 2, dtype=object),
        visit_days=np.array([1.0, 2.0, 2.0, 3.0, 40.0, 10.0, 50.0]),
    )


def test_pipeline_metrics_from_stage_history():
    values = _by_name(EvidenceFacts(stages=_stages()))
    # advances with criteria recorded: 6 + 2 + 6 + 4 = 18, met 16
    assert values["exit_criteria_met_share"] == (pytest.approx(16 / 18), 18)
    assert values["stage_skip_share"] == (pytest.approx(2 / 18), 18)
    # derived limits: 3x median (discovery 2 -> 6 days, proposal 30 -> 90): only 40 is past
    assert values["stalled_share"] == (pytest.approx(1 / 7), 7)


def test_spec_stall_limits_win_over_the_derived_ones():
    stages = _stages()
    assert stall_limits(stages, Policy())["proposal"] == pytest.approx(90.0)
    assert stall_limits(stages, Policy(stall_limit_days={"proposal": 20}))["proposal"] == 20.0
    values = _by_name(EvidenceFacts(stages=stages), Policy(stall_limit_days={"proposal": 20}))
    assert values["stalled_share"] == (pytest.approx(2 / 7), 7)


def test_close_date_slip_needs_close_date_history():
    deals = DealFacts(
        amount=np.ones(4),
        is_closed=np.array([True, True, True, False]),
        is_won=np.array([True, False, False, False]),
        close_date_pushed=np.array([True, False, False, True]),
        has_loss_reason=np.array([False, True, False, False]),
    )
    without = _by_name(EvidenceFacts(deals=deals))
    assert without["close_date_slip_share"] == (None, 0)
    assert without["loss_reason_captured_share"] == (0.5, 2)
    with_history = DealFacts(**{**deals.__dict__, "close_date_changes": 2})
    assert _by_name(EvidenceFacts(deals=with_history))["close_date_slip_share"] == (
        pytest.approx(1 / 3),
        3,
    )


def test_speed_to_lead_counts_never_touched_leads_as_slow():
    leads = LeadFacts(
        total=5,
        with_source=4,
        speed_to_lead_hours=np.array([0.5, 1.0, np.inf, np.inf, np.inf]),
        routing_hours=np.array([0.5, 0.9, 2.0, np.inf, 0.1]),
    )
    values = _by_name(EvidenceFacts(leads=leads), Policy(routing_sla_minutes=60))
    assert values["median_speed_to_lead_hours"] == (24.0 * 365, 5)
    assert values["routed_within_sla_share"] == (pytest.approx(3 / 5), 5)
    assert values["lead_source_captured_share"] == (0.8, 5)


def test_score_auc_ranks_converting_leads():
    assert score_auc({}) == (None, 0)
    assert score_auc({50: (10, 5)}) == (0.5, 10)
    assert score_auc({10: (4, 0), 90: (4, 4)}) == (1.0, 8)
    assert score_auc({10: (4, 4), 90: (4, 0)}) == (0.0, 8)


def test_pricing_metrics_use_the_policy_band():
    quotes = QuoteFacts(
        discount=np.array([0.05, 0.10, 0.20, 0.30, 0.25, 0.05]),
        list_total=np.array([100.0, 100, 100, 100, 100, 100]),
        segment=np.array(["smb"] * 6, dtype=object),
        quarter_end=np.zeros(6, dtype=bool),
        approved=np.array([False, False, True, False, False, False]),
        won=np.ones(6, dtype=bool),
    )
    values = _by_name(EvidenceFacts(quotes=quotes), Policy(approval_threshold_pct=15))
    assert values["unapproved_out_of_policy_share"] == (pytest.approx(2 / 3), 3)
    assert values["price_realisation"] == (pytest.approx(1 - 0.95 / 6), 6)
    assert values["discount_dispersion"][0] == pytest.approx(np.std(quotes.discount, ddof=1))
    assert values["quarter_end_discount_spike"] == (None, 6)  # no quarter-end quotes
    wider = _by_name(EvidenceFacts(quotes=quotes), Policy(approval_threshold_pct=25))
    assert wider["unapproved_out_of_policy_share"] == (1.0, 1)


def test_retention_and_renewals():
    renewals = RenewalFacts(
        renewal_days_late=np.array([-3.0, 0.0, 5.0, -1.0]),
        renewal_lead_days=np.array([30.0, 60.0, 90.0, 100.0]),
        arr_then=np.array([100.0, 100.0, 200.0]),
        arr_now=np.array([0.0, 150.0, 150.0]),
    )
    values = _by_name(EvidenceFacts(renewals=renewals))
    assert values["renewals_closed_before_term_end_share"] == (0.75, 4)
    assert values["grr"] == (pytest.approx(250 / 400), 3)
    assert values["nrr"] == (pytest.approx(300 / 400), 3)
    assert values["renewal_lead_days"] == (75.0, 4)


def test_commercial_owner_roles_follow_the_coverage_model():
    deals = DealFacts(
        amount=np.ones(4),
        is_closed=np.ones(4, dtype=bool),
        is_won=np.ones(4, dtype=bool),
        kind=np.array(["new", "new", "existing", "existing"], dtype=object),
        recorded_type=np.array(["new_business", None, "renewal", "new_business"], dtype=object),
        owner_role=np.array(["ae", "founder", "am", None], dtype=object),
        has_line_items=np.array([True, False, False, False]),
    )
    values = _by_name(EvidenceFacts(deals=deals))
    assert values["owner_role_matches_coverage_share"] == (pytest.approx(2 / 3), 3)
    assert values["deal_type_captured_share"] == (0.5, 2)
    assert values["deals_with_line_items_share"] == (0.5, 2)


def test_icp_metrics_count_recorded_tiers():
    accounts = AccountFacts(total=10, with_tier=4, with_icp_fields=2)
    values = _by_name(EvidenceFacts(accounts=accounts))
    assert values["icp_tier_recorded_share"] == (0.4, 10)
    assert values["icp_fields_populated_share"] == (0.2, 10)


def test_picklist_consistency_treats_rare_spellings_as_variants():
    value, n = picklist_consistency({"f": {"Web": 60, "Event": 38, "web": 2}})
    assert (value, n) == (0.98, 100)
    assert picklist_consistency({}) == (None, 0)


def test_data_quality_without_deals_has_no_stage_history_share():
    quality = data_quality(EvidenceFacts())
    assert quality.stage_history_share is None
    assert quality.n == 0


def test_policy_from_the_spec_and_its_defaults():
    default = policy_from_spec(None)
    assert set(default.sources.values()) == {"default"}
    spec = load_spec(EXAMPLES / "revenue-machine.yaml")
    policy = policy_from_spec(spec)
    assert policy.currency == spec.company.currency
    assert spec.pricing is not None
    free = [b.discount_percent.up_to for b in spec.pricing.discount_matrix if not b.approvers]
    if free:
        assert policy.approval_threshold_pct == max(free)
        assert policy.sources["approval_threshold_pct"] == "spec"
    assert spec.pipeline is not None
    assert policy.stage_order[0] == spec.pipeline.pipelines[0].stages[0].id
