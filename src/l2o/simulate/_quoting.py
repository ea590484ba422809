"""Products, the price book, and quotes with their lines, discounts and approvals.

Pricing governance shapes the discount each quote carries: its spread, a spike on deals
closing in the last two weeks of a quarter, a ceiling once policy is enforced, and whether
a discount above the approval threshold has an approval behind it. Commercial maturity
decides whether a deal has a quote with line items at all, and whether list prices come
from the price book or are typed in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.simulate._clock import DAY, Window, quarter_days_left
from l2o.simulate._coverage import FOUNDER, VP, Coverage
from l2o.simulate._deals import CLOSED_LOST, CLOSED_WON, PROPOSAL, DealBatch, Settled
from l2o.simulate._maturity import Maturity
from l2o.simulate._parameters import Parameters
from l2o.simulate._table import MISSING, Column, Table
from l2o.simulate._vocab import as_bytes

__all__ = ["Pricing", "catalog_tables", "price_deals", "quote_tables"]

# sku, name, family, unit, list price (cents), per seat?
_PRODUCTS = (
    ("PLT-SEAT", "Platform", "platform", "seat", 60_000, True),
    ("ANL-SEAT", "Analytics Add-on", "add_on", "seat", 18_000, True),
    ("INT-PACK", "Integration Pack", "add_on", "pack", 600_000, False),
    ("SUP-PREM", "Premium Support", "support", "year", 900_000, False),
)
LIST_PRICE = np.array([p[4] for p in _PRODUCTS], dtype=np.int64)


def catalog_tables() -> tuple[Table, Table]:
    """The ``products`` and ``price_book_entries`` tables (one standard price book)."""
    k = len(_PRODUCTS)
    created = np.full(k, int(np.datetime64("2022-01-01T00:00:00", "s").astype(np.int64)))
    products = Table.from_columns(
        "products",
        {
            "id": (Column("id", "PR"), np.arange(1, k + 1)),
            "sku": (Column("text"), as_bytes([p[0] for p in _PRODUCTS])),
            "name": (Column("text"), as_bytes([p[1] for p in _PRODUCTS])),
            "family": (Column("text"), as_bytes([p[2] for p in _PRODUCTS])),
            "recurring": (Column("bool"), np.ones(k, np.int8)),
            "active": (Column("bool"), np.ones(k, np.int8)),
            "created_at": (Column("ts"), created),
        },
    )
    entries = Table.from_columns(
        "price_book_entries",
        {
            "id": (Column("id", "PB"), np.arange(1, k + 1)),
            "product_id": (Column("ref", "PR"), np.arange(1, k + 1)),
            "price_book": (Column("text"), np.full(k, b"standard")),
            "currency": (Column("text"), np.full(k, b"USD")),
            "list_price": (Column("money"), LIST_PRICE),
            "unit": (Column("text"), as_bytes([p[3] for p in _PRODUCTS])),
            "term_months": (Column("int"), np.full(k, 12, np.int64)),
            "active": (Column("bool"), np.ones(k, np.int8)),
        },
    )
    return products, entries


@dataclass
class Pricing:
    """Quotes (one per quoted deal) and their lines and approvals, before statuses settle."""

    deal: np.ndarray  # deal number within the new-business batch
    created: np.ndarray
    discount: np.ndarray  # hundredths of a percent point
    list_total: np.ndarray
    net_total: np.ndarray
    line_quote: np.ndarray
    line_product: np.ndarray
    line_quantity: np.ndarray
    line_list_price: np.ndarray
    line_net_price: np.ndarray
    line_position: np.ndarray
    approval_quote: np.ndarray
    approval_status: np.ndarray  # 0 approved, 1 rejected
    approval_requested: np.ndarray
    approval_decided: np.ndarray
    approval_role: np.ndarray  # 0 manager, 1 vp_sales, 2 founder
    approval_discount: np.ndarray
    account: np.ndarray
    owner: np.ndarray


def _first_event_time(batch: DealBatch, stages: tuple[int, ...]) -> np.ndarray:
    hit = np.isin(batch.ev_to, stages)
    at = np.full(len(batch), np.iinfo(np.int64).max)
    np.minimum.at(at, batch.ev_deal[hit], batch.ev_at[hit])
    return at


def price_deals(
    rng: np.random.Generator,
    m: Maturity,
    p: Parameters,
    batch: DealBatch,
    window: Window,
) -> Pricing:
    """Quote the new-business deals that reach the proposal stage; set their final amounts.

    A deal without a quote (line items not used) still gets a discounted final amount.
    """
    n = len(batch)
    segment = batch.extra["segment"]
    proposal_at = _first_event_time(batch, (PROPOSAL, PROPOSAL + 1, CLOSED_WON))
    closed_at = _first_event_time(batch, (CLOSED_WON, CLOSED_LOST))
    target = np.where(closed_at < np.iinfo(np.int64).max, closed_at, batch.expected_close * DAY)
    quarter_end = quarter_days_left(target) <= 14

    mean = p.discount_mean + 0.03 * (segment == 2)
    d = rng.normal(mean, p.discount_sd, n) + p.quarter_end_extra_discount * quarter_end
    d = np.clip(d, 0.0, p.discount_ceiling_pct / 100)
    if m.pricing <= 1:  # reps quote round numbers when nobody governs discounts
        d = np.round(d * 40) / 40
    discount = np.round(d * 10_000).astype(np.int64)

    quote_at = np.where(
        proposal_at < window.end, proposal_at + rng.integers(600, 3 * 3600, n), window.end
    )
    quoted = (quote_at < window.end) & (rng.random(n) < p.line_items_rate)
    needs = quoted & (discount > p.approval_threshold_pct * 100)
    asked = needs & (rng.random(n) < p.approval_present_rate)
    rejected = asked & (rng.random(n) < 0.08)
    discount = np.where(rejected, int(p.approval_threshold_pct * 100), discount)

    # Lines: platform seats always; add-ons by chance. Off-book prices when not governed.
    seats = np.maximum(5, np.round(batch.amount_initial * 0.8 / LIST_PRICE[0])).astype(np.int64)
    has = np.stack(
        [
            np.ones(n, bool),
            rng.random(n) < 0.4,
            rng.random(n) < 0.3,
            (rng.random(n) < 0.35) & (segment > 0),
        ],
        axis=1,
    )
    has &= quoted[:, None]
    q_deal, product = np.nonzero(has)
    quantity = np.where(product <= 1, seats[q_deal], 1)
    list_price = LIST_PRICE[product]
    off_book = rng.random(len(product)) < 1 - p.price_book_adherence_rate
    list_price = np.where(
        off_book,
        (list_price * rng.uniform(0.8, 1.25, len(product))).astype(np.int64) // 100 * 100,
        list_price,
    )
    ld = discount[q_deal]
    net_price = (list_price * (10_000 - ld) * 2 + 10_000) // 20_000  # half-up to the cent
    quote_of_deal = np.cumsum(quoted) - 1
    line_quote = quote_of_deal[q_deal]
    nq = int(quoted.sum())
    list_total = np.bincount(line_quote, weights=list_price * quantity, minlength=nq).astype(
        np.int64
    )
    net_total = np.bincount(line_quote, weights=net_price * quantity, minlength=nq).astype(np.int64)
    first_line = (
        np.concatenate([[True], line_quote[1:] != line_quote[:-1]]) if nq else np.zeros(0, bool)
    )
    position = np.arange(len(line_quote)) - np.maximum.accumulate(
        np.where(first_line, np.arange(len(line_quote)), 0)
    )

    unquoted = batch.amount_initial * (10_000 - discount) // 10_000 // 10_000 * 10_000
    final = unquoted.copy()
    final[quoted] = net_total
    batch.amount_final = final

    qd = np.flatnonzero(quoted)
    created = quote_at[qd]
    a = np.flatnonzero(asked[qd] & (created + 600 < window.end))
    requested = created[a] + 600
    hours = (72.0, 48.0, 24.0, 6.0, 2.0)[m.pricing]
    wait = (rng.lognormal(np.log(hours), 0.7, a.size) * 3600).astype(np.int64)
    decided = requested + np.minimum(wait, 7 * DAY - 60)
    top_role = 1 if m.commercial >= 2 else 2
    role = np.where(discount[qd][a] > 2_500, top_role, 0)
    return Pricing(
        deal=qd,
        created=created,
        discount=discount[qd],
        list_total=list_total,
        net_total=net_total,
        line_quote=line_quote,
        line_product=product,
        line_quantity=quantity,
        line_list_price=list_price,
        line_net_price=net_price,
        line_position=position,
        approval_quote=a,
        approval_status=rejected[qd][a].astype(np.int64),
        approval_requested=requested,
        approval_decided=decided,
        approval_role=role,
        approval_discount=discount[qd][a],
        account=batch.account[qd],
        owner=batch.owner[qd],
    )


def quote_tables(
    q: Pricing, settled: Settled, cov: Coverage, window: Window
) -> tuple[Table, Table, Table]:
    """The ``quotes``, ``quote_lines`` and ``approvals`` tables, statuses from the outcomes."""
    nq = len(q.deal)
    deal = q.deal + settled.offset[0]
    status = np.where(
        settled.is_won[deal],
        b"accepted",
        np.where(settled.stage[deal] == CLOSED_LOST, b"rejected", b"presented"),
    )
    created_day = q.created // DAY
    quotes = Table.from_columns(
        "quotes",
        {
            "id": (Column("id", "QU"), np.arange(1, nq + 1)),
            "opportunity_id": (Column("ref", "OP"), deal + 1),
            "account_id": (Column("ref", "AC"), q.account + 1),
            "name": (Column("text"), np.strings.add(b"Q-", np.arange(1, nq + 1).astype("S12"))),
            "status": (Column("text"), status),
            "currency": (Column("text"), np.full(nq, b"USD")),
            "created_at": (Column("ts"), q.created),
            "valid_until": (Column("date"), created_day + 30),
            "list_total": (Column("money"), q.list_total),
            "net_total": (Column("money"), q.net_total),
            "max_discount_pct": (Column("money"), q.discount),
        },
    )
    nl = len(q.line_quote)
    lines = Table.from_columns(
        "quote_lines",
        {
            "id": (Column("id", "QL"), np.arange(1, nl + 1)),
            "quote_id": (Column("ref", "QU"), q.line_quote + 1),
            "position": (Column("int"), q.line_position),
            "product_id": (Column("ref", "PR"), q.line_product + 1),
            "description": (
                Column("text"),
                as_bytes([p[1] for p in _PRODUCTS])[q.line_product],
            ),
            "quantity": (Column("int"), q.line_quantity),
            "list_price": (Column("money"), q.line_list_price),
            "discount_pct": (Column("money"), q.discount[q.line_quote]),
            "net_price": (Column("money"), q.line_net_price),
            "term_months": (Column("int"), np.full(nl, 12, np.int64)),
        },
    )
    na = len(q.approval_quote)
    qa = q.approval_quote
    founder = np.flatnonzero(cov.role == FOUNDER)[0]
    vp = np.flatnonzero(cov.role == VP)
    manager = cov.manager[q.owner[qa]]
    manager = np.where(manager >= 0, manager, founder)
    approver = np.where(
        q.approval_role == 0,
        manager,
        np.where(q.approval_role == 1, vp[0] if vp.size else founder, founder),
    )
    decided = q.approval_decided < window.end
    approvals = Table.from_columns(
        "approvals",
        {
            "id": (Column("id", "AP"), np.arange(1, na + 1)),
            "quote_id": (Column("ref", "QU"), qa + 1),
            "opportunity_id": (Column("ref", "OP"), deal[qa] + 1),
            "approver_role": (
                Column("text"),
                as_bytes(["manager", "vp_sales", "founder"])[q.approval_role],
            ),
            "approver_id": (Column("ref", "US"), np.where(decided, approver + 1, -1)),
            "requested_by": (Column("ref", "US"), q.owner[qa] + 1),
            "status": (
                Column("text"),
                np.where(
                    decided, np.where(q.approval_status == 1, b"rejected", b"approved"), b"pending"
                ),
            ),
            "discount_pct": (Column("money"), q.approval_discount),
            "reason": (Column("text"), np.full(na, b"discount above approval threshold")),
            "requested_at": (Column("ts"), q.approval_requested),
            "expires_at": (Column("ts"), q.approval_requested + 7 * DAY),
            "decided_at": (Column("ts"), np.where(decided, q.approval_decided, MISSING)),
            "decision_note": (
                Column("text"),
                np.where(
                    decided & (q.approval_status == 1), b"above the floor for this segment", b""
                ),
            ),
        },
    )
    return quotes, lines, approvals
