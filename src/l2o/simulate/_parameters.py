"""The generating parameters: what each maturity level means in behaviour, in one place.

Every behaviour the simulator draws (response times, stalls, discount spread, churn) reads
its rate here, indexed by the true level of the dimension that governs it, so the mapping
from maturity to behaviour is data that ``truth.json`` records and a reader can audit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from l2o.simulate._maturity import Maturity

__all__ = ["CHANNELS", "ChannelEffect", "Parameters", "parameters_for"]

CHANNELS = ("organic", "paid_search", "events", "outbound", "partners", "referrals")
"""The acquisition channels leads come from, in column order of the channel arrays."""


@dataclass(frozen=True)
class ChannelEffect:
    """A channel's true part in conversion.

    ``logit_effect`` is added to a lead's conversion log-odds when the channel is on its
    journey (0 for a channel that causes nothing). ``passenger_rate_converting`` is the
    chance a *converting* lead gets an extra touch of this channel after the fact (branded
    search once the decision is made): such a channel appears on converting paths without
    causing them.
    """

    origin_share: float
    touch_share: float
    logit_effect: float
    passenger_rate_converting: float = 0.0
    passenger_rate_other: float = 0.0


CHANNEL_EFFECTS: dict[str, ChannelEffect] = {
    "organic": ChannelEffect(0.30, 0.32, 0.15),
    "paid_search": ChannelEffect(0.25, 0.26, 0.0, 0.55, 0.08),
    "events": ChannelEffect(0.12, 0.15, 0.55),
    "outbound": ChannelEffect(0.18, 0.20, 0.35),
    "partners": ChannelEffect(0.08, 0.05, 0.85),
    "referrals": ChannelEffect(0.07, 0.02, 1.20),
}


def _at(table: tuple[float, ...], level: int) -> float:
    return table[level]


@dataclass(frozen=True)
class Parameters:
    """Behavioural rates for one company, derived from its :class:`Maturity`."""

    # ICP: who leads come from, and whether tiers are recorded.
    top_tier_lead_weight: float
    low_tier_lead_weight: float
    low_tier_disqualify_rate: float
    tier_recorded_rate: float
    firmographics_missing_rate: float
    # Pipeline qualification.
    exit_criteria_met_rate: float
    stage_skip_rate: float
    stall_rate: float
    close_date_push_mean: float
    loss_reason_captured_rate: float
    stall_limit_days: int
    # Signal design.
    response_median_minutes: float
    response_sigma: float
    never_touched_rate: float
    routing_median_minutes: float
    lead_source_missing_rate: float
    lifecycle_stamp_rate: float
    score_present_rate: float
    score_signal_weight: float
    response_sla_minutes: int
    # Commercial structure.
    founder_owned_rate: float
    owner_role_match_rate: float
    line_items_rate: float
    price_book_adherence_rate: float
    deal_type_captured_rate: float
    # Pricing governance.
    discount_mean: float
    discount_sd: float
    quarter_end_extra_discount: float
    approval_present_rate: float
    approval_threshold_pct: float
    discount_ceiling_pct: float
    # Lifecycle expansion.
    renewal_on_time_rate: float
    churn_rate: float
    downgrade_rate: float
    downgrade_size: float
    expansion_rate_per_year: float
    expansion_size: float
    renewal_lead_days: int
    health_score_coverage: float
    # Data quality (architecture and technology together).
    missing_field_factor: float
    lead_duplicate_rate: float
    contact_duplicate_rate: float
    account_duplicate_rate: float
    picklist_variant_rate: float
    # Channels: the causal truth attribution is scored against.
    channels: dict[str, ChannelEffect] = field(default_factory=lambda: dict(CHANNEL_EFFECTS))
    base_conversion_logit: float = -2.9

    def to_json(self) -> dict[str, Any]:
        """The parameters as plain JSON data, for ``truth.json``."""
        return asdict(self)


def parameters_for(m: Maturity) -> Parameters:
    """The behavioural rates of a company at maturity ``m`` (see the module docstring)."""
    tech = m.technology
    tech_factor = _at((1.0, 0.85, 0.65, 0.45, 0.3), tech)
    dup_tech = _at((1.0, 0.9, 0.75, 0.55, 0.4), tech)
    return Parameters(
        top_tier_lead_weight=_at((1.0, 1.3, 1.8, 2.6, 3.5), m.icp),
        low_tier_lead_weight=_at((1.0, 0.9, 0.7, 0.45, 0.3), m.icp),
        low_tier_disqualify_rate=_at((0.0, 0.1, 0.3, 0.5, 0.65), m.icp),
        tier_recorded_rate=_at((0.0, 0.1, 0.6, 0.97, 1.0), m.icp),
        firmographics_missing_rate=_at((0.35, 0.25, 0.12, 0.04, 0.01), m.icp) * tech_factor,
        exit_criteria_met_rate=_at((0.15, 0.35, 0.6, 0.9, 0.97), m.pipeline),
        stage_skip_rate=_at((0.3, 0.2, 0.1, 0.03, 0.01), m.pipeline),
        stall_rate=_at((0.4, 0.3, 0.18, 0.08, 0.03), m.pipeline),
        close_date_push_mean=_at((1.8, 1.3, 0.8, 0.35, 0.15), m.pipeline),
        loss_reason_captured_rate=_at((0.2, 0.4, 0.7, 0.95, 0.99), m.pipeline),
        stall_limit_days=30,
        response_median_minutes=_at((2880.0, 720.0, 180.0, 30.0, 6.0), m.signals),
        response_sigma=_at((1.4, 1.3, 1.1, 0.9, 0.7), m.signals),
        never_touched_rate=_at((0.35, 0.22, 0.1, 0.03, 0.01), m.signals),
        routing_median_minutes=_at((1440.0, 240.0, 45.0, 5.0, 1.0), m.signals),
        lead_source_missing_rate=_at((0.45, 0.3, 0.12, 0.03, 0.005), m.signals),
        lifecycle_stamp_rate=_at((0.05, 0.3, 0.75, 0.97, 1.0), m.signals),
        score_present_rate=_at((0.0, 0.0, 0.3, 1.0, 1.0), m.signals),
        score_signal_weight=_at((0.0, 0.0, 0.3, 0.6, 0.9), m.signals),
        response_sla_minutes=60,
        founder_owned_rate=_at((0.6, 0.35, 0.12, 0.03, 0.005), m.commercial),
        owner_role_match_rate=_at((0.45, 0.6, 0.8, 0.94, 0.99), m.commercial),
        line_items_rate=_at((0.15, 0.35, 0.65, 0.92, 0.99), m.commercial),
        price_book_adherence_rate=_at((0.4, 0.6, 0.8, 0.95, 0.99), m.commercial),
        deal_type_captured_rate=_at((0.35, 0.55, 0.85, 0.98, 1.0), m.commercial),
        discount_mean=_at((0.22, 0.19, 0.15, 0.11, 0.08), m.pricing),
        discount_sd=_at((0.14, 0.11, 0.07, 0.035, 0.02), m.pricing),
        quarter_end_extra_discount=_at((0.12, 0.08, 0.04, 0.01, 0.0), m.pricing),
        approval_present_rate=_at((0.05, 0.25, 0.6, 0.97, 1.0), m.pricing),
        approval_threshold_pct=15.0,
        discount_ceiling_pct=_at((60.0, 60.0, 45.0, 35.0, 30.0), m.pricing),
        renewal_on_time_rate=_at((0.3, 0.5, 0.7, 0.9, 0.97), m.lifecycle),
        churn_rate=_at((0.3, 0.22, 0.15, 0.09, 0.05), m.lifecycle),
        downgrade_rate=_at((0.2, 0.15, 0.12, 0.08, 0.05), m.lifecycle),
        downgrade_size=0.25,
        expansion_rate_per_year=_at((0.08, 0.12, 0.2, 0.3, 0.4), m.lifecycle),
        expansion_size=0.3,
        renewal_lead_days=int(_at((10, 30, 60, 90, 120), m.lifecycle)),
        health_score_coverage=_at((0.0, 0.1, 0.5, 0.95, 1.0), m.lifecycle),
        missing_field_factor=tech_factor,
        lead_duplicate_rate=_at((0.12, 0.09, 0.06, 0.03, 0.01), m.signals) * dup_tech,
        contact_duplicate_rate=_at((0.1, 0.07, 0.045, 0.02, 0.008), m.commercial) * dup_tech,
        account_duplicate_rate=_at((0.08, 0.06, 0.035, 0.015, 0.005), m.icp) * dup_tech,
        picklist_variant_rate=_at((0.25, 0.18, 0.1, 0.04, 0.01), m.commercial) * tech_factor,
    )
