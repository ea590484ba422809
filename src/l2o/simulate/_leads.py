"""Leads, their touchpoint journeys, campaigns, and how (and how fast) leads are worked.

Each lead gets an origin channel and a few more touches; its chance to convert into an
opportunity is a logistic model of account fit, seniority, speed to lead and the channels
on its journey (each with a true log-odds effect, zero for some). After the outcome is
drawn, converting leads pick up *passenger* touches (branded paid search) that appear on
converting paths without causing them - the trap attribution models are scored against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.simulate._accounts import Firms, People, make_people
from l2o.simulate._clock import DAY, Window
from l2o.simulate._coverage import AE, FOUNDER, SDR, Coverage
from l2o.simulate._maturity import Maturity
from l2o.simulate._parameters import CHANNELS, Parameters
from l2o.simulate._table import MISSING, Column, Table
from l2o.simulate._vocab import COUNTRIES, DISQUALIFICATION_REASONS, LEAD_SOURCES, as_bytes

__all__ = ["Funnel", "build_funnel", "sigmoid"]

STATUSES = as_bytes(["new", "working", "mql", "sql", "converted", "disqualified", "recycled"])
NEW, WORKING, MQL, SQL, CONVERTED, DISQUALIFIED, RECYCLED = range(7)
_TOUCH_TYPES = as_bytes(
    [
        "web_visit",
        "ad_click",
        "event_attended",
        "email_reply",
        "partner_referral",
        "customer_referral",
        "form_fill",
        "meeting_booked",
    ]
)
_FOLLOW_TOUCH = np.array([0, 1, 2, 3, 4, 5])
_ORIGIN_TOUCH = np.array([6, 6, 6, 7, 4, 5])
_FIT_EFFECT = np.array([0.0, 0.9, 0.3, -0.7])  # by true tier 1..3


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, elementwise."""
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


@dataclass
class Funnel:
    """Leads, campaigns and touchpoints, with the hidden truth later parts build on."""

    leads: Table
    campaigns: Table
    touchpoints: Table
    people: People
    account: np.ndarray
    converted: np.ndarray  # observed conversion into an opportunity within the window
    converted_at: np.ndarray
    channel: np.ndarray
    lead_source_missing: np.ndarray
    channel_truth: dict[str, dict[str, float]]


def _creation_times(rng: np.random.Generator, n: int, window: Window) -> np.ndarray:
    months = window.months
    weights = 1.02 ** np.arange(months)
    month = rng.choice(months, size=n, p=weights / weights.sum())
    starts = window.month_starts()
    span = starts[month + 1] - starts[month]
    # Business hours more likely than nights: a mixture of a daytime bump and uniform.
    day = (rng.random(n) * span // DAY).astype(np.int64)
    clock = np.where(
        rng.random(n) < 0.8,
        np.clip(rng.normal(14 * 3600, 3 * 3600, n), 0, DAY - 1),
        rng.random(n) * DAY,
    ).astype(np.int64)
    return np.sort(starts[month] + day * DAY + clock)


def _ranks(groups: np.ndarray, start_at: np.ndarray | None = None) -> np.ndarray:
    """Each item's number within its group, in item order (0, 1, ... per group)."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    first = np.concatenate([[True], g[1:] != g[:-1]])
    idx = np.arange(len(g))
    start = np.maximum.accumulate(np.where(first, idx, 0))
    rank = np.empty(len(g), dtype=np.int64)
    rank[order] = idx - start
    if start_at is not None:
        rank += start_at[groups]
    return rank


def _lognormal_seconds(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    """Durations in seconds, lognormal around ``median`` minutes."""
    return (rng.lognormal(np.log(median), sigma, n) * 60).astype(np.int64)


def build_funnel(
    rng: np.random.Generator,
    m: Maturity,
    p: Parameters,
    n: int,
    firms: Firms,
    cov: Coverage,
    window: Window,
) -> Funnel:
    """``n`` leads over the window, their journeys and lifecycle, and the campaigns behind them."""
    created = _creation_times(rng, n, window)
    tier_weight = np.array([0.0, p.top_tier_lead_weight, 1.0, p.low_tier_lead_weight])
    weight = firms.employees.astype(float) ** 0.35 * tier_weight[firms.tier]
    account = rng.choice(len(firms.tier), size=n, p=weight / weight.sum())
    people = make_people(rng, firms, account, _ranks(account), np.arange(n))
    tier = firms.tier[account]

    # Journeys: an origin touch at creation plus a few more around it.
    effects = p.channels
    origin = rng.choice(6, size=n, p=[effects[c].origin_share for c in CHANNELS])
    extra = rng.poisson(1.3, n)
    extra_lead = np.repeat(np.arange(n), extra)
    extra_channel = rng.choice(
        6, size=len(extra_lead), p=[effects[c].touch_share for c in CHANNELS]
    )
    extra_time = created[extra_lead] + rng.integers(-45 * DAY, 20 * DAY, len(extra_lead))
    present = np.zeros((n, 6), dtype=bool)
    present[np.arange(n), origin] = True
    present[extra_lead, extra_channel] = True
    beta = np.array([effects[c].logit_effect for c in CHANNELS])

    # Routing and speed to lead.
    routed = created + _lognormal_seconds(rng, p.routing_median_minutes, 1.0, n)
    never = rng.random(n) < p.never_touched_rate
    response = _lognormal_seconds(rng, p.response_median_minutes, p.response_sigma, n)
    first_touch = np.where(never, MISSING, routed + response)
    minutes = response / 60.0
    speed_effect = -0.25 * np.log10(1 + minutes / 5)

    logit = (
        p.base_conversion_logit
        + _FIT_EFFECT[tier]
        + 0.15 * people.seniority
        + speed_effect
        + present.astype(float) @ beta
    )
    reach = (~never) * (1 - p.low_tier_disqualify_rate * (tier == 3))
    prob = sigmoid(logit)
    u = rng.random(n)
    drawn = (u < prob) & ~never
    dq_fit = drawn & (tier == 3) & (rng.random(n) < p.low_tier_disqualify_rate)
    will_convert = drawn & ~dq_fit
    will_mql = (u < sigmoid(logit + 1.6)) | will_convert

    mql_at = created + (rng.lognormal(np.log(DAY), 1.0, n)).astype(np.int64)
    sql_at = np.maximum(
        mql_at + rng.lognormal(np.log(4 * DAY), 0.8, n).astype(np.int64),
        np.where(never, 0, first_touch) + 3600,
    )
    conv_at = sql_at + rng.lognormal(np.log(DAY / 2), 0.8, n).astype(np.int64)
    converted = will_convert & (conv_at < window.end)
    status = np.where(
        never,
        NEW,
        rng.choice([WORKING, RECYCLED, DISQUALIFIED], size=n, p=[0.3, 0.4, 0.3]),
    )
    mql_done = will_mql & (mql_at < window.end) & ~never
    status = np.where(
        mql_done, rng.choice([MQL, RECYCLED, DISQUALIFIED], size=n, p=[0.2, 0.5, 0.3]), status
    )
    status = np.where(will_convert & (sql_at < window.end), SQL, status)
    status = np.where(dq_fit, DISQUALIFIED, status)
    status = np.where(converted, CONVERTED, status)
    stamped = rng.random(n) < p.lifecycle_stamp_rate
    reached_mql = np.isin(status, [MQL, SQL, CONVERTED]) | (mql_done & (status != NEW))
    reached_sql = np.isin(status, [SQL, CONVERTED])
    dq_reason = np.where(dq_fit, 0, rng.integers(0, len(DISQUALIFICATION_REASONS), n))

    # Passenger touches: branded search after the decision, mostly on converting paths.
    pax = effects["paid_search"]
    gets_pax = rng.random(n) < np.where(
        converted, pax.passenger_rate_converting, pax.passenger_rate_other
    )
    pax_lead = np.flatnonzero(gets_pax)
    pax_time = np.where(
        converted[pax_lead],
        np.maximum(conv_at[pax_lead] - rng.integers(0, 3 * DAY, len(pax_lead)), created[pax_lead]),
        created[pax_lead] + rng.integers(0, 30 * DAY, len(pax_lead)),
    )

    # Owners: SDRs when the coverage model has them, else AEs; the founder takes some.
    if m.commercial >= 2:
        owner = cov.pick(rng, SDR, firms.region[account], cov.region)
    else:
        owner = cov.pick(rng, AE, firms.territory[account], cov.territory)
    owner = np.where(rng.random(n) < p.founder_owned_rate * 0.5, 0, owner)
    owner = np.where(cov.role[owner] == FOUNDER, 0, owner)

    source_missing = rng.random(n) < p.lead_source_missing_rate
    score_rate = max(p.score_present_rate, (0.0, 0.0, 0.2, 0.6, 0.9)[m.technology])
    scored = rng.random(n) < score_rate
    z = (logit - logit.mean()) / (logit.std() + 1e-9)
    w = p.score_signal_weight
    engagement = np.round(100 * sigmoid(w * 1.5 * z + (1 - w) * rng.normal(0, 1, n)))
    fit_score = np.round(100 * ((4 - tier) / 3 * 0.8 + rng.random(n) * 0.2))

    conv_rank = np.cumsum(converted) * converted  # 1-based number among converted leads
    leads = Table.from_columns(
        "leads",
        {
            "id": (Column("id", "LD"), np.arange(1, n + 1)),
            "first_name": (Column("text"), people.first),
            "last_name": (Column("text"), people.last),
            "email": (Column("text"), people.email),
            "phone": (Column("text"), people.phone),
            "company": (Column("text"), firms.name[account]),
            "title": (Column("text"), people.title),
            "country": (Column("text"), COUNTRIES[firms.country[account]]),
            "lead_source": (Column("text"), np.where(source_missing, b"", LEAD_SOURCES[origin])),
            "channel": (
                Column("text"),
                np.where(source_missing, b"", as_bytes(list(CHANNELS))[origin]),
            ),
            "status": (Column("text"), STATUSES[status]),
            "created_at": (Column("ts"), created),
            "mql_at": (Column("ts"), np.where(reached_mql & stamped, mql_at, MISSING)),
            "sql_at": (Column("ts"), np.where(reached_sql & stamped, sql_at, MISSING)),
            "fit_score": (
                Column("int"),
                np.where(m.icp >= 3, fit_score, MISSING).astype(np.int64),
            ),
            "engagement_score": (
                Column("int"),
                np.where(scored, engagement, MISSING).astype(np.int64),
            ),
            "owner_id": (Column("ref", "US"), owner + 1),
            "routed_at": (Column("ts"), np.where(routed < window.end, routed, MISSING)),
            "first_touch_at": (
                Column("ts"),
                np.where(first_touch < window.end, first_touch, MISSING),
            ),
            "converted_at": (Column("ts"), np.where(converted, conv_at, MISSING)),
            "converted_contact_id": (Column("ref", "CO"), np.where(converted, conv_rank, -1)),
            "converted_account_id": (Column("ref", "AC"), np.where(converted, account + 1, -1)),
            "converted_opportunity_id": (Column("ref", "OP"), np.where(converted, conv_rank, -1)),
            "disqualification_reason": (
                Column("text"),
                np.where(status == DISQUALIFIED, DISQUALIFICATION_REASONS[dq_reason], b""),
            ),
        },
    )

    quarters = (window.months + 2) // 3
    campaigns = _campaigns(rng, quarters, window)
    touch_lead = np.concatenate([np.arange(n), extra_lead, pax_lead])
    touch_channel = np.concatenate([origin, extra_channel, np.full(len(pax_lead), 1)])
    touch_time = np.concatenate([created, extra_time, pax_time])
    touch_kind = np.concatenate(
        [_ORIGIN_TOUCH[origin], _FOLLOW_TOUCH[extra_channel], np.full(len(pax_lead), 1)]
    )
    keep = touch_time < window.end
    order = np.lexsort((touch_time[keep], touch_lead[keep]))
    tl, tc, tt, tk = (a[keep][order] for a in (touch_lead, touch_channel, touch_time, touch_kind))
    quarter = np.clip((tt - window.start) // (91 * DAY), 0, quarters - 1)
    inbound_user = np.where(np.isin(tc, [3]), owner[tl] + 1, -1)
    touchpoints = Table.from_columns(
        "touchpoints",
        {
            "id": (Column("id", "TP"), np.arange(1, len(tl) + 1)),
            "occurred_at": (Column("ts"), tt),
            "touch_type": (Column("text"), _TOUCH_TYPES[tk]),
            "channel": (Column("text"), as_bytes(list(CHANNELS))[tc]),
            "campaign_id": (Column("ref", "CA"), tc * quarters + quarter + 1),
            "lead_id": (Column("ref", "LD"), tl + 1),
            "contact_id": (Column("ref", "CO"), np.where(converted[tl], conv_rank[tl], -1)),
            "account_id": (Column("ref", "AC"), np.where(converted[tl], account[tl] + 1, -1)),
            "opportunity_id": (Column("ref", "OP"), np.full(len(tl), -1, dtype=np.int64)),
            "user_id": (Column("ref", "US"), inbound_user),
        },
    )
    truth = _channel_truth(logit, present, beta, reach, converted, gets_pax)
    return Funnel(
        leads,
        campaigns,
        touchpoints,
        people,
        account,
        converted,
        conv_at,
        origin,
        source_missing,
        truth,
    )


def _campaigns(rng: np.random.Generator, quarters: int, window: Window) -> Table:
    channel = np.repeat(np.arange(6), quarters)
    quarter = np.tile(np.arange(quarters), 6)
    q_start = (np.datetime64("2023-01", "M") + quarter * 3).astype("datetime64[D]").astype(np.int64)
    q_end = (np.datetime64("2023-01", "M") + quarter * 3 + 3).astype("datetime64[D]").astype(
        np.int64
    ) - 1
    year = 2023 + quarter // 4
    label = np.strings.add(np.strings.add(year.astype("S4"), b"-Q"), (quarter % 4 + 1).astype("S1"))
    names = np.strings.add(np.strings.add(label, b" "), LEAD_SOURCES[channel])
    budget = np.array([20_000, 90_000, 120_000, 40_000, 30_000, 10_000])[channel]
    budget = (budget * rng.lognormal(0, 0.2, len(channel))).astype(np.int64) * 100
    kinds = as_bytes(
        ["content", "paid_search", "event", "outbound_sequence", "partner", "referral"]
    )
    return Table.from_columns(
        "campaigns",
        {
            "id": (Column("id", "CA"), np.arange(1, len(channel) + 1)),
            "name": (Column("text"), names),
            "channel": (Column("text"), as_bytes(list(CHANNELS))[channel]),
            "campaign_type": (Column("text"), kinds[channel]),
            "status": (
                Column("text"),
                np.where(q_end * DAY < window.end, b"completed", b"active"),
            ),
            "start_date": (Column("date"), q_start),
            "end_date": (Column("date"), q_end),
            "budget": (Column("money"), budget),
            "currency": (Column("text"), np.full(len(channel), b"USD")),
            "created_at": (Column("ts"), q_start * DAY - 14 * DAY),
        },
    )


def _channel_truth(
    logit: np.ndarray,
    present: np.ndarray,
    beta: np.ndarray,
    reach: np.ndarray,
    converted: np.ndarray,
    pax: np.ndarray,
) -> dict[str, dict[str, float]]:
    """Each channel's true incremental effect and how often it shows on converting paths."""
    truth: dict[str, dict[str, float]] = {}
    on_path = present.copy()
    on_path[:, 1] |= pax
    for c, name in enumerate(CHANNELS):
        without = logit - beta[c] * present[:, c]
        lift = (sigmoid(without + beta[c]) - sigmoid(without)) * reach
        truth[name] = {
            "logit_effect": float(beta[c]),
            "incremental_conversion_effect": round(float(lift.mean()), 6),
            "share_of_converting_paths": round(float(on_path[converted, c].mean()), 6)
            if converted.any()
            else 0.0,
            "share_of_other_paths": round(float(on_path[~converted, c].mean()), 6),
        }
    return truth
