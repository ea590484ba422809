"""The proposed architecture derived from hand-written facts: values, evidence, fallbacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from l2o.assess.proposal import (
    DealSizeDiscounts,
    EmployeeBandOutcome,
    Histogram,
    Outcome,
    PipelineFacts,
    ProposalFacts,
    RenewalFacts,
    StageFacts,
    derive_architecture,
)
from l2o.spec import ArchitectureSpec, check_spec, load_spec

EXAMPLES = Path(__file__).parents[3] / "examples"


def _stays(days: int, n: int) -> Histogram:
    """``n`` stays spread evenly over 0..days-1 whole days."""
    return Histogram.of((d, n // days) for d in range(days))


def _company(**overrides: Any) -> ProposalFacts:
    """A company with a five-stage 'sales' pipeline and enough of everything."""
    stages = (
        StageFacts("sales", "Discovery", 400, 120, 1.0, _stays(10, 300)),
        StageFacts("sales", "Demo", 250, 110, 2.0, _stays(20, 200)),
        StageFacts("sales", "Proposal", 150, 100, 3.0, _stays(30, 150)),
        StageFacts("sales", "Closed Won", 120, 120, 4.0, final_won=120),
        StageFacts("sales", "Closed Lost", 280, 0, 3.5, final_lost=280),
    )
    facts: dict[str, Any] = {
        "currency": "EUR",
        "closed_deals": 400,
        "won_deals": 120,
        "industries": (
            Outcome("Software", 60, 40, 3_000_000.0),
            Outcome("software", 5, 5, 100_000.0),
            Outcome("Retail", 5, 95, 50_000.0),
            Outcome("Logistics", 50, 140, 900_000.0),
        ),
        "employee_bands": (
            EmployeeBandOutcome(None, 50, 2, 60, 10_000.0),
            EmployeeBandOutcome(200, 1000, 118, 220, 4_040_000.0),
        ),
        "countries": (Outcome("US", 100, 200, 3_500_000.0), Outcome("USA", 20, 80, 1.0)),
        "pipelines": (PipelineFacts("sales", {"new_business": 400}, 400),),
        "stages": stages,
        "discounts": (
            DealSizeDiscounts(25_000, Histogram.of([(5, 50), (12, 30), (25, 20)])),
            DealSizeDiscounts(None, Histogram.of([(5, 50), (12, 30), (25, 20)])),
        ),
        "renewals": RenewalFacts(_stays(40, 80), renewed=80, closed_before_term_end=60),
    }
    facts.update(overrides)
    return ProposalFacts(**facts)


def _check(spec_text: str, tmp_path: Path) -> ArchitectureSpec:
    path = tmp_path / "architecture.proposed.yaml"
    path.write_text(spec_text, encoding="utf-8")
    report = check_spec(path)
    assert report.errors == []
    assert report.spec is not None
    return report.spec


def test_histogram_percentiles_are_nearest_rank() -> None:
    histogram = Histogram.of([(3, 2), (1, 1), (3, 1), (10, 1)])
    assert histogram.n == 5
    assert histogram.percentile(0.2) == 1
    assert histogram.percentile(0.5) == 3
    assert histogram.percentile(0.8) == 3
    assert histogram.percentile(1.0) == 10
    assert Histogram().percentile(0.5) is None


def test_stage_probability_and_stall_limit_come_from_history(tmp_path: Path) -> None:
    proposal = derive_architecture(_company())
    spec = _check(proposal.to_yaml(), tmp_path)
    assert spec.pipeline is not None
    (sales,) = spec.pipeline.pipelines
    stages = {stage.id: stage for stage in sales.stages}
    assert [s.id for s in sales.stages] == [
        "discovery",
        "demo",
        "proposal",
        "closed_won",
        "closed_lost",
    ]
    assert stages["discovery"].label == "Discovery"
    assert stages["discovery"].probability == 30  # 120 of 400
    assert stages["demo"].probability == 44  # 110 of 250
    assert stages["proposal"].probability == 67  # 100 of 150
    # 80th percentile of 0..9 days (30 stays each) is 7 whole days: limit 8.
    assert stages["discovery"].max_days_in_stage == 8
    assert stages["closed_won"].outcome == "won"
    assert stages["closed_lost"].outcome == "lost"
    assert all(s.exit_criteria for s in sales.open_stages())
    assert "120 of 400 closed deals that reached this stage were won" in proposal.to_yaml()


def test_probabilities_are_raised_to_keep_increasing() -> None:
    stages = (
        StageFacts("sales", "early", 100, 50, 1.0, _stays(10, 100)),
        StageFacts("sales", "late", 100, 40, 2.0, _stays(10, 100)),
        StageFacts("sales", "won", 0, 0, 3.0, final_won=50),
    )
    proposal = derive_architecture(_company(stages=stages))
    assert proposal.spec.pipeline is not None
    early, late = proposal.spec.pipeline.pipelines[0].open_stages()
    assert (early.probability, late.probability) == (50, 51)
    assert "Raised from 40 to 51" in proposal.to_yaml()


def test_thin_history_keeps_the_current_specs_values() -> None:
    current = load_spec(EXAMPLES / "founder-led.yaml")
    thin = (StageFacts("sales", "demo", 5, 2, 2.0, _stays(5, 5)),)
    proposal = derive_architecture(_company(stages=thin), current)
    assert proposal.spec.pipeline is not None
    sales = proposal.spec.pipeline.pipelines[0]
    demo = next(s for s in sales.stages if s.id == "demo")
    proposal_stage = next(s for s in sales.stages if s.id == "proposal")
    assert demo.probability == 30
    assert proposal_stage.max_days_in_stage == 30
    assert demo.exit_criteria == current.pipeline.pipelines[0].stages[1].exit_criteria  # type: ignore[union-attr]
    assert "Kept from the current spec: only 5 closed deals reached this stage" in (
        proposal.to_yaml()
    )


def test_icp_tiers_from_winners_and_disqualifiers_from_losers() -> None:
    proposal = derive_architecture(_company())
    icp = proposal.spec.icp
    assert icp is not None
    top = icp.tiers[0]
    # Software (merged across spellings) wins 65/110 vs 120/400 overall and brings most revenue.
    assert top.criteria.industries == ["Software"]
    assert top.criteria.employees is not None
    assert (top.criteria.employees.above, top.criteria.employees.up_to) == (200, 1000)
    assert top.criteria.countries == []  # 'USA' is not an ISO code; US wins at the average
    assert icp.tiers[-1].criteria.is_empty()
    ids = {d.id: d for d in icp.disqualifiers}
    assert ids["low_win_rate_industries"].when.value == ["Retail"]  # type: ignore[union-attr]
    assert "too_small" in ids
    assert "Retail: won 5 of 100" in proposal.to_yaml()


def test_discount_bands_from_the_distribution() -> None:
    current = load_spec(EXAMPLES / "revenue-machine.yaml")
    proposal = derive_architecture(_company(), current)
    pricing = proposal.spec.pricing
    assert pricing is not None
    rep, manager, executive = pricing.discount_matrix
    # 200 deals: median in the 5-point bucket, 80th in 12, 95th in 25.
    assert rep.discount_percent.up_to == 6
    assert (manager.discount_percent.above, manager.discount_percent.up_to) == (6, 13)
    assert executive.discount_percent.up_to == pricing.max_discount_percent == 26
    assert rep.approvers == []
    # Approvers come from the current matrix's band covering the same discounts.
    assert manager.approvers == ["sales_manager"]
    assert executive.approvers == ["sales_manager", "vp_sales"]
    assert pricing.floors == current.pricing.floors  # type: ignore[union-attr]


def test_small_and_large_deals_get_their_own_bands_when_they_differ() -> None:
    discounts = (
        DealSizeDiscounts(25_000, Histogram.of([(15, 60), (20, 40)])),
        DealSizeDiscounts(None, Histogram.of([(3, 60), (6, 40)])),
    )
    pricing = derive_architecture(_company(discounts=discounts)).spec.pricing
    assert pricing is not None
    ids = [band.id for band in pricing.discount_matrix]
    assert ids == [
        "rep_small",
        "manager_small",
        "executive_small",
        "rep_large",
        "manager_large",
        "executive_large",
    ]
    tops = {band.discount_percent.up_to for band in pricing.discount_matrix if "exec" in band.id}
    assert tops == {pricing.max_discount_percent}


def test_renewal_windows_from_the_renewal_cycle() -> None:
    lifecycle = derive_architecture(_company()).spec.lifecycle
    assert lifecycle is not None
    assert lifecycle.renewal is not None
    # 80% of renewals closed within 32 days (0..39, 2 each): 33 + a 30-day margin -> 90.
    assert lifecycle.renewal.windows_days == [90, 60, 30]


def test_what_the_data_cannot_derive_is_kept(tmp_path: Path) -> None:
    current = load_spec(EXAMPLES / "revenue-machine.yaml")
    proposal = derive_architecture(_company(), current)
    spec = _check(proposal.to_yaml(), tmp_path)
    assert spec.signals == current.signals
    assert spec.workflows == current.workflows
    assert spec.custom_fields == current.custom_fields
    assert spec.company == current.company
    assert spec.icp is not None
    assert current.icp is not None
    assert spec.icp.personas == current.icp.personas
    assert {p.id for p in spec.pipeline.pipelines} >= {"new_business", "expansion", "renewal"}  # type: ignore[union-attr]


@pytest.mark.parametrize("example", ["revenue-machine.yaml", "founder-led.yaml", None])
def test_no_data_falls_back_and_says_so(example: str | None, tmp_path: Path) -> None:
    current = load_spec(EXAMPLES / example) if example else None
    proposal = derive_architecture(ProposalFacts(), current)
    text = proposal.to_yaml()
    spec = _check(text, tmp_path)
    assert spec == proposal.spec
    assert "Too little data for: ICP, stage probabilities, discount bands, renewal windows" in text
    assert spec.pipeline is not None
    assert spec.pipeline.pipelines
    assert spec.pricing is not None
    assert spec.pricing.discount_matrix
    if current is None:
        assert "Default pipeline" in text
        assert spec.icp is None


def test_every_comment_sits_in_a_yaml_that_parses_back_to_the_spec() -> None:
    proposal = derive_architecture(_company(), load_spec(EXAMPLES / "revenue-machine.yaml"))
    text = proposal.to_yaml()
    assert load_spec(yaml.safe_load(text)) == proposal.spec
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 20
