"""Deals of every kind as event streams, and the opportunity tables they settle into.

New business, expansion and renewal generators each emit a :class:`DealBatch`: per deal its
facts (account, owner, amounts, expected close) and a stream of events - stage moves and
close-date pushes - in whatever order. :func:`settle_deals` turns all batches into the
``opportunities``, ``stage_changes`` and ``opportunity_field_changes`` tables: it cuts
history at the end of the window, so deals still running then are open, and derives each
deal's final stage, amount and close date from its history, so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from l2o.simulate._clock import DAY, Window
from l2o.simulate._table import MISSING, Column, Table, concat_text
from l2o.simulate._vocab import as_bytes

__all__ = [
    "CLOSED_LOST",
    "CLOSED_WON",
    "PROPOSAL",
    "PUSH",
    "STAGES",
    "DealBatch",
    "Settled",
    "outcomes",
    "settle_deals",
]

STAGES = as_bytes(
    [
        "discovery",
        "qualification",
        "solution",
        "proposal",
        "negotiation",
        "closed_won",
        "closed_lost",
    ]
)
PROPOSAL, CLOSED_WON, CLOSED_LOST = 3, 5, 6
PUSH = -2  # an event that pushes the close date, not a stage move
PROBABILITY = np.array([10, 20, 40, 60, 80, 100, 0]) * 100  # hundredths of a percent
FORECAST = as_bytes(
    ["pipeline", "pipeline", "best_case", "best_case", "commit", "closed", "omitted"]
)
TYPES = as_bytes(["new_business", "expansion", "renewal"])
TYPE_LABELS = as_bytes([" - New Business", " - Expansion", " - Renewal"])
LOSS_REASONS = as_bytes(
    ["price", "competitor", "no_decision", "timing", "no_budget", "product_fit", "churn"]
)


@dataclass
class DealBatch:
    """Deals of one kind: per-deal facts and their events (indices are within the batch)."""

    kind: int  # 0 new business, 1 expansion, 2 renewal
    account: np.ndarray
    owner: np.ndarray
    created: np.ndarray
    expected_close: np.ndarray  # days
    amount_initial: np.ndarray  # cents
    amount_final: np.ndarray  # cents
    loss_reason: np.ndarray  # code, -1 when not captured
    contact: np.ndarray  # contact number, -1 none
    lead_source: np.ndarray  # bytes
    type_captured: np.ndarray  # bool
    ev_deal: np.ndarray
    ev_to: np.ndarray  # stage, or PUSH
    ev_at: np.ndarray
    ev_criteria: np.ndarray  # int8: 1 met, 0 not, -1 not applicable
    ev_push_days: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.account)


@dataclass
class Settled:
    """The opportunity tables and the per-deal outcomes later generators read."""

    opportunities: Table
    stage_changes: Table
    field_changes: Table
    offset: dict[int, int]  # first deal number (0-based) of each kind
    stage: np.ndarray
    is_won: np.ndarray
    is_closed: np.ndarray
    closed_at: np.ndarray
    amount: np.ndarray


def _date_text(days: np.ndarray) -> np.ndarray:
    """Calendar days as ``YYYY-MM-DD`` bytes."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D")
    return np.asarray(np.char.encode(text, "ascii"))


def outcomes(batch: DealBatch, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """Per deal of a batch: won within the window, and when it closed (MISSING if open)."""
    closing = ((batch.ev_to == CLOSED_WON) | (batch.ev_to == CLOSED_LOST)) & (
        batch.ev_at < window.end
    )
    closed_at = np.full(len(batch), MISSING, dtype=np.int64)
    closed_at[batch.ev_deal[closing]] = batch.ev_at[closing]
    won = np.zeros(len(batch), dtype=bool)
    won[batch.ev_deal[closing & (batch.ev_to == CLOSED_WON)]] = True
    return won, closed_at


def _cat(batches: list[DealBatch], name: str) -> np.ndarray:
    arrays = [getattr(b, name) for b in batches]
    if arrays and arrays[0].dtype.kind == "S":
        return concat_text(*arrays)
    return np.concatenate(arrays)


def settle_deals(
    batches: list[DealBatch],
    account_names: np.ndarray,
    window: Window,
    override_reasons: bool,
) -> Settled:
    """Build the opportunity tables from deal batches (see the module docstring)."""
    offsets = np.cumsum([0] + [len(b) for b in batches])
    d = {
        f.name: _cat(batches, f.name) for f in fields(DealBatch) if f.name not in ("kind", "extra")
    }
    kind = np.concatenate([np.full(len(b), b.kind) for b in batches])
    shift = np.concatenate([np.full(len(b.ev_deal), offsets[i]) for i, b in enumerate(batches)])
    ev_deal = d["ev_deal"] + shift
    n = len(kind)

    keep = d["ev_at"] < window.end
    order = np.lexsort((d["ev_at"][keep], ev_deal[keep]))
    e_deal = ev_deal[keep][order]
    e_to = d["ev_to"][keep][order]
    e_at = d["ev_at"][keep][order]
    e_crit = d["ev_criteria"][keep][order]
    e_push = d["ev_push_days"][keep][order]
    is_stage = e_to != PUSH
    pos = np.arange(len(e_to))
    last_stage_row = np.maximum.accumulate(np.where(is_stage, pos, 0))
    stage_now = e_to[last_stage_row]
    prev_stage_row = np.concatenate([[0], last_stage_row[:-1]])
    first_of_deal = np.concatenate([[True], e_deal[1:] != e_deal[:-1]])
    from_stage = np.where(first_of_deal, -1, e_to[prev_stage_row])
    from_stage = np.where(first_of_deal, -1, np.where(e_to[prev_stage_row] == PUSH, -1, from_stage))

    # Close date at each event: the expected date plus the pushes so far; the real date once closed.
    cum = np.cumsum(e_push)
    group_start = np.maximum.accumulate(np.where(first_of_deal, pos, 0))
    pushed = cum - cum[group_start] + e_push[group_start]
    close_day = d["expected_close"][e_deal] + pushed
    closing = (e_to == CLOSED_WON) | (e_to == CLOSED_LOST)
    close_day = np.where(closing, e_at // DAY, close_day)
    reached = np.zeros(n, dtype=bool)
    reached[e_deal[is_stage & (e_to >= PROPOSAL) & (e_to <= CLOSED_WON)]] = True
    late = (stage_now >= PROPOSAL) & (stage_now <= CLOSED_WON) | (closing & reached[e_deal])
    amount_row = np.where(late, d["amount_final"][e_deal], d["amount_initial"][e_deal])

    last = np.concatenate([e_deal[1:] != e_deal[:-1], [True]])
    final_row = np.full(n, -1)
    final_row[e_deal[last]] = pos[last]
    final_stage_row = np.full(n, -1)
    final_stage_row[e_deal[is_stage]] = pos[is_stage]  # last stage row wins (sorted)
    fr, fs = final_row, final_stage_row
    stage = e_to[fs]
    is_won = stage == CLOSED_WON
    is_closed = is_won | (stage == CLOSED_LOST)
    closed_at = np.where(is_closed, e_at[fs], MISSING)
    amount = amount_row[fr]
    loss = np.where(stage == CLOSED_LOST, d["loss_reason"], -1)

    ids = np.arange(1, n + 1)
    name = np.strings.add(account_names[d["account"]], TYPE_LABELS[kind])
    opportunities = Table.from_columns(
        "opportunities",
        {
            "id": (Column("id", "OP"), ids),
            "name": (Column("text"), name),
            "account_id": (Column("ref", "AC"), d["account"] + 1),
            "owner_id": (Column("ref", "US"), d["owner"] + 1),
            "pipeline": (Column("text"), np.where(kind == 2, b"renewals", b"sales")),
            "stage": (Column("text"), STAGES[stage]),
            "stage_entered_at": (Column("ts"), e_at[fs]),
            "amount": (Column("money"), amount),
            "currency": (Column("text"), np.full(n, b"USD")),
            "close_date": (Column("date"), close_day[fr]),
            "probability": (Column("money"), PROBABILITY[stage]),
            "forecast_category": (Column("text"), FORECAST[stage]),
            "opportunity_type": (Column("text"), np.where(d["type_captured"], TYPES[kind], b"")),
            "created_at": (Column("ts"), d["created"]),
            "closed_at": (Column("ts"), closed_at),
            "is_closed": (Column("bool"), is_closed.astype(np.int8)),
            "is_won": (Column("bool"), is_won.astype(np.int8)),
            "loss_reason": (
                Column("text"),
                np.where(loss >= 0, LOSS_REASONS[np.maximum(loss, 0)], b""),
            ),
            "lead_source": (Column("text"), d["lead_source"]),
            "next_step": (Column("text"), np.where(is_closed, b"", b"follow up")),
            "primary_contact_id": (
                Column("ref", "CO"),
                np.where(d["contact"] >= 0, d["contact"] + 1, -1),
            ),
        },
    )
    s = is_stage
    crit = e_crit[s]
    overridden = override_reasons & (crit == 0)
    stage_changes = Table.from_columns(
        "stage_changes",
        {
            "id": (Column("id", "SC"), np.arange(1, int(s.sum()) + 1)),
            "opportunity_id": (Column("ref", "OP"), e_deal[s] + 1),
            "from_stage": (
                Column("text"),
                np.where(from_stage[s] >= 0, STAGES[np.maximum(from_stage[s], 0)], b""),
            ),
            "to_stage": (Column("text"), STAGES[e_to[s]]),
            "changed_at": (Column("ts"), e_at[s]),
            "changed_by": (Column("ref", "US"), d["owner"][e_deal[s]] + 1),
            "amount": (Column("money"), amount_row[s]),
            "close_date": (Column("date"), close_day[s]),
            "criteria_met": (Column("bool"), crit.astype(np.int8)),
            "override_reason": (Column("text"), np.where(overridden, b"manager override", b"")),
        },
    )
    pushes = ~s
    new_day = close_day[pushes]
    old_day = new_day - e_push[pushes]
    field_changes = Table.from_columns(
        "opportunity_field_changes",
        {
            "id": (Column("id", "FC"), np.arange(1, int(pushes.sum()) + 1)),
            "opportunity_id": (Column("ref", "OP"), e_deal[pushes] + 1),
            "field": (Column("text"), np.full(int(pushes.sum()), b"close_date")),
            "old_value": (Column("text"), _date_text(old_day)),
            "new_value": (Column("text"), _date_text(new_day)),
            "changed_at": (Column("ts"), e_at[pushes]),
            "changed_by": (Column("ref", "US"), d["owner"][e_deal[pushes]] + 1),
        },
    )
    return Settled(
        opportunities,
        stage_changes,
        field_changes,
        {b.kind: int(offsets[i]) for i, b in enumerate(batches)},
        stage,
        is_won,
        is_closed,
        closed_at,
        amount,
    )
