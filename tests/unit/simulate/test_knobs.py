"""Each maturity knob moves its behaviours in the direction the L2O Index describes.

Every comparison is level 0 against level 4 of one dimension, the others held at 2, on
20,000 leads; the margins are many standard errors wide at that size.
"""

from __future__ import annotations

import numpy as np

from l2o.simulate import MISSING
from l2o.simulate._clock import quarter_days_left


def _new_business(company):  # type: ignore[no-untyped-def]
    return np.strings.endswith(company.tables["opportunities"]["name"], b"New Business")


def test_pricing_governance_tightens_discounts_and_requires_approvals(company_at):
    low, high = company_at("pricing", 0), company_at("pricing", 4)

    def metrics(c):  # type: ignore[no-untyped-def]
        quotes = c.tables["quotes"]
        discount = quotes["max_discount_pct"] / 100
        approved = np.isin(quotes["id"], c.tables["approvals"]["quote_id"])
        over = discount > c.parameters.approval_threshold_pct
        opps = c.tables["opportunities"]
        won = opps["is_won"][quotes["opportunity_id"] - 1] == 1
        closed = opps["closed_at"][quotes["opportunity_id"] - 1]
        quarter_end = won & (quarter_days_left(np.where(won, closed, 0)) <= 14)
        spike = discount[quarter_end].mean() - discount[won & ~quarter_end].mean()
        return discount.std(), (over & ~approved).sum() / max(over.sum(), 1), spike

    sd_low, unapproved_low, spike_low = metrics(low)
    sd_high, unapproved_high, spike_high = metrics(high)
    assert sd_high < sd_low / 3
    assert unapproved_low > 0.8
    assert unapproved_high < 0.05
    assert spike_low > 6  # percent points more at quarter end
    assert abs(spike_high) < 2


def test_pipeline_maturity_meets_exit_criteria_and_slips_less(company_at):
    def metrics(c):  # type: ignore[no-untyped-def]
        history = c.tables["stage_changes"]
        advances = history["criteria_met"] >= 0
        pushes = len(c.tables["opportunity_field_changes"]) / len(c.tables["opportunities"])
        order = ["discovery", "qualification", "solution", "proposal", "negotiation", "closed_won"]
        rank = {s.encode(): i for i, s in enumerate(order)}
        new_business = _new_business(c)[history["opportunity_id"] - 1]
        moves = zip(
            history["from_stage"][new_business].tolist(),
            history["to_stage"][new_business].tolist(),
            strict=True,
        )
        step = np.array([rank[t] - rank[f] for f, t in moves if f and t != b"closed_lost"])
        return history["criteria_met"][advances].mean(), pushes, (step > 1).mean()

    crit_low, push_low, skip_low = metrics(company_at("pipeline", 0))
    crit_high, push_high, skip_high = metrics(company_at("pipeline", 4))
    assert crit_low < 0.3 < 0.9 < crit_high
    assert push_high < push_low / 4
    assert skip_high < 0.03 < 0.2 < skip_low


def test_pipeline_maturity_means_fewer_stalls(company_at):
    def stalled(c):  # type: ignore[no-untyped-def]
        h = c.tables["stage_changes"]
        same = h["opportunity_id"][1:] == h["opportunity_id"][:-1]
        days = (h["changed_at"][1:] - h["changed_at"][:-1]) / 86_400
        return (days[same] > c.parameters.stall_limit_days * 1.5).mean()

    low, high = stalled(company_at("pipeline", 0)), stalled(company_at("pipeline", 4))
    assert high < low * 0.6


def test_signal_design_speeds_up_first_touch_and_captures_source(company_at):
    def metrics(c):  # type: ignore[no-untyped-def]
        leads = c.tables["leads"]
        touched = leads["first_touch_at"] != MISSING
        minutes = (leads["first_touch_at"][touched] - leads["created_at"][touched]) / 60
        sla = c.parameters.response_sla_minutes
        return np.median(minutes), (minutes <= sla).mean(), (leads["lead_source"] == b"").mean()

    median_low, sla_low, missing_low = metrics(company_at("signals", 0))
    median_high, sla_high, missing_high = metrics(company_at("signals", 4))
    assert median_high * 100 < median_low
    assert sla_low < 0.1 < 0.9 < sla_high
    assert missing_high < 0.02 < 0.3 < missing_low


def test_icp_maturity_concentrates_pipeline_and_wins_on_top_tier(company_at):
    def metrics(c):  # type: ignore[no-untyped-def]
        opps = c.tables["opportunities"]
        tier = c.account_tier[opps["account_id"] - 1]
        won = opps["is_won"] == 1
        won_share = opps["amount"][won & (tier == 1)].sum() / opps["amount"][won].sum()
        recorded = (c.tables["accounts"]["tier"] != b"").mean()
        return (tier == 1).mean(), won_share, recorded

    pipe_low, won_low, rec_low = metrics(company_at("icp", 0))
    pipe_high, won_high, rec_high = metrics(company_at("icp", 4))
    assert pipe_high > pipe_low + 0.15
    assert won_high > won_low + 0.1
    assert rec_low == 0
    assert rec_high > 0.9


def test_commercial_structure_puts_line_items_types_and_owners_in_place(company_at):
    def metrics(c):  # type: ignore[no-untyped-def]
        opps = c.tables["opportunities"]
        nb = _new_business(c)
        quoted = np.isin(opps["id"][nb], c.tables["quotes"]["opportunity_id"]).mean()
        lines = c.tables["quote_lines"]
        book = c.tables["price_book_entries"]["list_price"][lines["product_id"] - 1]
        adherence = (lines["list_price"] == book).mean()
        typed = (opps["opportunity_type"] != b"").mean()
        role = c.tables["users"]["role"][opps["owner_id"] - 1]
        return quoted, adherence, typed, (role[nb] == b"ae").mean(), (role == b"founder").mean()

    low = metrics(company_at("commercial", 0))
    high = metrics(company_at("commercial", 4))
    assert high[0] > low[0] + 0.3
    assert high[1] > 0.95 > 0.6 > low[1]
    assert high[2] > 0.98 > 0.5 > low[2]
    assert high[3] > 0.95 > 0.4 > low[3]
    assert high[4] < 0.02 < 0.4 < low[4]


def test_lifecycle_maturity_renews_on_time_and_retains_more(company_at):
    def metrics(c):  # type: ignore[no-untyped-def]
        opps = c.tables["opportunities"]
        renewal = (opps["pipeline"] == b"renewals") & (opps["is_closed"] == 1)
        retained = (opps["is_won"][renewal] == 1).mean()
        contracts = c.tables["contracts"]
        renewals = contracts["contract_type"] == b"renewal"
        prior_end = contracts["end_date"][contracts["renewal_of_id"][renewals] - 1]
        closed = opps["closed_at"][contracts["opportunity_id"][renewals] - 1] // 86_400
        on_time = (closed <= prior_end).mean()
        health = (c.tables["accounts"]["health_score"] != MISSING).sum()
        customers = np.unique(contracts["account_id"]).size
        return retained, on_time, health / customers

    ret_low, time_low, health_low = metrics(company_at("lifecycle", 0))
    ret_high, time_high, health_high = metrics(company_at("lifecycle", 4))
    assert ret_high > ret_low + 0.2
    assert time_high > time_low + 0.4
    assert health_low == 0
    assert health_high > 0.9


def test_data_quality_defects_follow_maturity(company_at):
    def rates(c):  # type: ignore[no-untyped-def]
        dup = c.duplicates["record_type"]
        leads = (dup == b"leads").sum() / len(c.tables["leads"])
        return leads

    assert rates(company_at("signals", 4)) < rates(company_at("signals", 0)) / 4
