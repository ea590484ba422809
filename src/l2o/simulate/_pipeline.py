"""New-business deals: who owns them and how they move through the sales stages.

Each deal walks the five open stages; at each it is lost or advances (sometimes skipping a
stage), taking a lognormal time that a *stall* stretches several-fold. Pipeline maturity
sets how often exit criteria hold at an advance, how often stages are skipped, how often
deals stall, and how often the close date is pushed. Commercial maturity decides whether
the owner is the AE the coverage model names, someone in another role, or the founder.
"""

from __future__ import annotations

import numpy as np

from l2o.simulate._accounts import Firms
from l2o.simulate._clock import DAY
from l2o.simulate._coverage import AE, AM, CSM, FOUNDER, MANAGER, SDR, Coverage
from l2o.simulate._deals import CLOSED_LOST, CLOSED_WON, PUSH, DealBatch
from l2o.simulate._leads import Funnel, sigmoid
from l2o.simulate._maturity import Maturity
from l2o.simulate._parameters import Parameters
from l2o.simulate._vocab import LEAD_SOURCES

__all__ = ["assign_owners", "build_new_business"]

_STAGE_DAYS = np.array([7.0, 10.0, 14.0, 10.0, 8.0])
_BASE_LOSS = np.array([0.25, 0.2, 0.18, 0.15, 0.12])
_SEGMENT_PACE = np.array([0.6, 1.0, 1.8])
_SEGMENT_ACV = np.array([12_000, 45_000, 160_000]) * 100


def assign_owners(
    rng: np.random.Generator,
    p: Parameters,
    cov: Coverage,
    firms: Firms,
    account: np.ndarray,
    expected_role: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Owners for deals at ``account``: the expected role in the account's territory or
    region when the coverage model holds, else another role; the founder takes a share.

    Returns ``(owner, founder_owned)``.
    """
    n = len(account)
    if expected_role == AE:
        right = cov.pick(rng, AE, firms.territory[account], cov.territory)
    else:
        right = cov.pick(rng, expected_role, firms.region[account], cov.region)
    wrong_roles = [r for r in (AE, AM, CSM, SDR, MANAGER) if r != expected_role]
    wrong_role = rng.choice(wrong_roles, size=n)
    wrong = right.copy()
    for r in wrong_roles:
        mask = wrong_role == r
        if mask.any():
            wrong[mask] = cov.pick(rng, r, firms.region[account[mask]], cov.region)
    owner = np.where(rng.random(n) < p.owner_role_match_rate, right, wrong)
    founder = rng.random(n) < p.founder_owned_rate
    return np.where(founder, np.flatnonzero(cov.role == FOUNDER)[0], owner), founder


def build_new_business(
    rng: np.random.Generator,
    m: Maturity,
    p: Parameters,
    funnel: Funnel,
    firms: Firms,
    cov: Coverage,
) -> DealBatch:
    """One new-business deal per converted lead, with its stage and close-date events."""
    lead = np.flatnonzero(funnel.converted)
    n = len(lead)
    account = funnel.account[lead]
    created = funnel.converted_at[lead]
    tier = firms.tier[account]
    segment = firms.segment[account]
    owner, founder = assign_owners(rng, p, cov, firms, account, AE)
    strength = (
        0.8 * (tier == 1)
        + 0.2 * (tier == 2)
        - 0.6 * (tier == 3)
        + 0.4 * founder
        + rng.normal(0, 0.5, n)
    )
    stall = rng.random(n) < p.stall_rate
    stall_stage = rng.integers(0, 5, n)
    pace = _SEGMENT_PACE[segment]

    ev_deal, ev_to, ev_at, ev_crit = (
        [np.arange(n)],
        [np.zeros(n, np.int64)],
        [created],
        [np.full(n, -1, np.int8)],
    )
    t = created.copy()
    stage = np.zeros(n, dtype=np.int64)
    for k in range(5):
        idx = np.flatnonzero(stage == k)
        if idx.size == 0:
            continue
        days = rng.lognormal(np.log(_STAGE_DAYS[k] * pace[idx]), 0.6)
        stalled = stall[idx] & (stall_stage[idx] == k)
        days = np.where(stalled, days * rng.uniform(3, 6, idx.size), days)
        loss_logit = (
            np.log(_BASE_LOSS[k] / (1 - _BASE_LOSS[k])) - 0.9 * strength[idx] + 1.2 * stalled
        )
        lost = rng.random(idx.size) < sigmoid(loss_logit)
        skip = ~lost & (rng.random(idx.size) < p.stage_skip_rate) & (k + 2 <= CLOSED_WON)
        to = np.where(lost, CLOSED_LOST, k + 1 + skip)
        met = rng.random(idx.size) < p.exit_criteria_met_rate
        t[idx] = t[idx] + (days * DAY).astype(np.int64)
        stage[idx] = to
        ev_deal.append(idx)
        ev_to.append(to)
        ev_at.append(t[idx].copy())
        ev_crit.append(np.where(lost, -1, met).astype(np.int8))

    # Close dates: reps' first guess is optimistic when the pipeline is weakly governed.
    low, high = ((0.5, 1.0), (0.5, 1.0), (0.7, 1.1), (0.9, 1.2), (0.95, 1.2))[m.pipeline]
    cycle = _STAGE_DAYS.sum() * pace * rng.uniform(low, high, n)
    expected_close = (created // DAY + cycle).astype(np.int64)
    pushes = rng.poisson(p.close_date_push_mean * (1 + 1.5 * stall))
    push_deal = np.repeat(np.arange(n), pushes)
    span = np.maximum(t[push_deal] - created[push_deal], 2)
    push_at = created[push_deal] + 1 + (rng.random(push_deal.size) * (span - 1)).astype(np.int64)
    ev_deal.append(push_deal)
    ev_to.append(np.full(push_deal.size, PUSH))
    ev_at.append(push_at)
    ev_crit.append(np.full(push_deal.size, -1, np.int8))

    amount0 = (_SEGMENT_ACV[segment] * rng.lognormal(0, 0.5, n)).astype(np.int64) // 10_000 * 10_000
    captured = rng.random(n) < p.loss_reason_captured_rate
    reason = np.where(captured, rng.choice(6, size=n, p=[0.25, 0.2, 0.25, 0.12, 0.1, 0.08]), -1)
    source_missing = funnel.lead_source_missing[lead]
    push_days = np.concatenate(
        [
            np.zeros(sum(len(a) for a in ev_deal[:-1]), np.int64),
            rng.integers(14, 61, push_deal.size),
        ]
    )
    return DealBatch(
        kind=0,
        account=account,
        owner=owner,
        created=created,
        expected_close=expected_close,
        amount_initial=amount0,
        amount_final=amount0.copy(),
        loss_reason=reason,
        contact=np.arange(n),
        lead_source=np.where(source_missing, b"", LEAD_SOURCES[funnel.channel[lead]]),
        type_captured=rng.random(n) < p.deal_type_captured_rate,
        ev_deal=np.concatenate(ev_deal),
        ev_to=np.concatenate(ev_to),
        ev_at=np.concatenate(ev_at),
        ev_criteria=np.concatenate(ev_crit),
        ev_push_days=push_days,
        extra={"segment": segment, "lead": lead, "founder": founder},
    )
