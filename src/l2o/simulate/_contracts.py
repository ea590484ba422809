"""After the signature: orders, contracts, expansions, renewals, downgrades and churn.

Every won new-business deal starts a subscription. Each term it may expand (an expansion
deal, an order and a co-termed contract), then comes up for renewal: a renewal deal opened
some days before the end (more days at higher lifecycle maturity), closed on time or late,
renewed - possibly downgraded - or lost to churn. Renewed terms chain through
``renewal_of_id``, which is how gross and net revenue retention are traced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from l2o.simulate._accounts import Firms
from l2o.simulate._clock import DAY, Window, add_months
from l2o.simulate._coverage import AM, Coverage
from l2o.simulate._deals import CLOSED_LOST, CLOSED_WON, PROPOSAL, PUSH, DealBatch
from l2o.simulate._parameters import Parameters
from l2o.simulate._pipeline import assign_owners
from l2o.simulate._table import MISSING, Column, Table

__all__ = ["Lifecycle", "build_lifecycle", "contract_tables"]


@dataclass
class _Rows:
    """Column lists appended once per cycle, concatenated at the end."""

    cols: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, **arrays: np.ndarray) -> None:
        for k, v in arrays.items():
            self.cols.setdefault(k, []).append(np.asarray(v))

    def get(self, k: str, dtype: type = np.int64) -> np.ndarray:
        parts = self.cols.get(k, [])
        out = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        return out.astype(dtype) if out.dtype.kind == "f" else out

    def __len__(self) -> int:
        return int(sum(len(a) for a in self.cols.get("account", [])))


@dataclass
class Lifecycle:
    """Orders, contracts and the expansion and renewal deals, plus usage inputs."""

    expansions: DealBatch
    renewals: DealBatch
    orders: _Rows
    contracts: _Rows
    churned_accounts: np.ndarray
    truth: dict[str, float]


def _deal_batch(kind: int, r: _Rows) -> DealBatch:
    n = len(r)
    return DealBatch(
        kind=kind,
        account=r.get("account"),
        owner=r.get("owner"),
        created=r.get("created"),
        expected_close=r.get("expected_close"),
        amount_initial=r.get("amount_initial"),
        amount_final=r.get("amount_final"),
        loss_reason=r.get("loss_reason"),
        contact=r.get("contact"),
        lead_source=np.full(n, b""),
        type_captured=r.get("type_captured", bool).astype(bool),
        ev_deal=r.get("ev_deal"),
        ev_to=r.get("ev_to"),
        ev_at=r.get("ev_at"),
        ev_criteria=r.get("ev_criteria").astype(np.int8),
        ev_push_days=r.get("ev_push_days"),
    )


def build_lifecycle(
    rng: np.random.Generator,
    p: Parameters,
    nb: DealBatch,
    won: np.ndarray,
    closed_at: np.ndarray,
    quote_of_deal: np.ndarray,
    firms: Firms,
    cov: Coverage,
    window: Window,
) -> Lifecycle:
    """Subscriptions from the won new-business deals, cycled term by term to the window end."""
    end_day = window.end // DAY
    orders, contracts = _Rows(), _Rows()
    exp, ren = _Rows(), _Rows()
    deal = np.flatnonzero(won)
    ordered = closed_at[deal] + rng.integers(0, 2 * DAY, deal.size)
    deal = deal[ordered < window.end]
    ordered = ordered[ordered < window.end]
    account = nb.account[deal]
    segment = firms.segment[account]
    n = deal.size
    risk = rng.lognormal(0, 0.5, n)
    churn_p = np.clip(p.churn_rate * risk, 0, 0.9)
    order_no = np.arange(n)
    orders.add(
        account=account,
        kind=np.zeros(n),
        deal=deal,
        quote=quote_of_deal[deal],
        ordered=ordered,
        amount=nb.amount_final[deal],
    )
    start = ordered // DAY + rng.integers(0, 6, n)
    term = np.where(segment == 0, 12, rng.choice([12, 24, 36], size=n, p=[0.6, 0.3, 0.1]))
    end = add_months(start, term) - 1
    arr = nb.amount_final[deal]
    contract_no = np.arange(n)
    contracts.add(
        account=account,
        kind=np.zeros(n),
        deal_kind=np.zeros(n),
        deal=deal,
        order=order_no,
        renewal_of=np.full(n, -1),
        start=start,
        end=end,
        arr=arr,
        chain=np.arange(n),
        auto_renew=(rng.random(n) < np.where(segment == 0, 0.6, 0.2)).astype(np.int64),
        churned=np.zeros(n),
        renewed=np.zeros(n),
        created=ordered,
    )
    chain = np.arange(n)
    contact = nb.contact[deal]
    n_orders, n_contracts = n, n
    renewed_flags: list[np.ndarray] = []
    churned_flags: list[np.ndarray] = []
    base_contract = contract_no

    while chain.size:
        acc = account[chain]
        # Expansions mid-term.
        years = (end - start) / 365.25
        expands = rng.random(chain.size) < np.minimum(0.9, p.expansion_rate_per_year * years)
        lo, hi = start + 30, np.maximum(end - 30, start + 31)
        when = (lo + rng.random(chain.size) * (hi - lo)).astype(np.int64) * DAY + rng.integers(
            8 * 3600, 18 * 3600, chain.size
        )
        e = np.flatnonzero(expands & (when < window.end))
        if e.size:
            amt = (arr[e] * p.expansion_size * rng.lognormal(0, 0.4, e.size)).astype(np.int64)
            amt = np.maximum(amt // 10_000 * 10_000, 100_000)
            e_won = rng.random(e.size) < 0.65
            e_close = when[e] + (rng.lognormal(np.log(20), 0.5, e.size) * DAY).astype(np.int64)
            owner, _ = assign_owners(rng, p, cov, firms, acc[e], AM)
            local = len(exp) + np.arange(e.size)
            exp.add(
                account=acc[e],
                owner=owner,
                created=when[e],
                expected_close=when[e] // DAY + 30,
                amount_initial=amt,
                amount_final=amt,
                loss_reason=np.where(
                    rng.random(e.size) < p.loss_reason_captured_rate, rng.integers(0, 6, e.size), -1
                ),
                contact=contact[chain[e]],
                type_captured=rng.random(e.size) < p.deal_type_captured_rate,
                ev_deal=np.concatenate([local, local]),
                ev_to=np.concatenate(
                    [np.full(e.size, PROPOSAL), np.where(e_won, CLOSED_WON, CLOSED_LOST)]
                ),
                ev_at=np.concatenate([when[e], e_close]),
                ev_criteria=np.concatenate(
                    [
                        np.full(e.size, -1),
                        np.where(e_won, rng.random(e.size) < p.exit_criteria_met_rate, -1),
                    ]
                ),
                ev_push_days=np.zeros(2 * e.size),
            )
            booked = e_won & (e_close < window.end) & (e_close // DAY < end[e])
            b = e[booked]
            if b.size:
                orders.add(
                    account=acc[b],
                    kind=np.ones(b.size),
                    deal=local[booked],
                    quote=np.full(b.size, -1),
                    ordered=e_close[booked],
                    amount=amt[booked],
                )
                contracts.add(
                    account=acc[b],
                    kind=np.ones(b.size),
                    deal_kind=np.ones(b.size),
                    deal=local[booked],
                    order=n_orders + np.arange(b.size),
                    renewal_of=base_contract[b],
                    start=e_close[booked] // DAY,
                    end=end[b],
                    arr=amt[booked],
                    chain=chain[b],
                    auto_renew=np.zeros(b.size),
                    churned=np.zeros(b.size),
                    renewed=np.zeros(b.size),
                    created=e_close[booked],
                )
                n_orders += b.size
                n_contracts += b.size
                total = arr.copy()
                np.add.at(total, b, amt[booked])
            else:
                total = arr.copy()
        else:
            total = arr.copy()

        # Renewals.
        lead_days = p.renewal_lead_days * rng.uniform(0.7, 1.3, chain.size)
        opened = np.maximum((end - lead_days).astype(np.int64), start + 1) * DAY + rng.integers(
            8 * 3600, 18 * 3600, chain.size
        )
        r = np.flatnonzero(opened < window.end)
        churn = rng.random(r.size) < churn_p[chain[r]]
        down = ~churn & (rng.random(r.size) < p.downgrade_rate)
        new_arr = (total[r] * (1 - down * p.downgrade_size * rng.uniform(0.5, 1.5, r.size))).astype(
            np.int64
        )
        new_arr = new_arr // 100 * 100
        on_time = rng.random(r.size) < p.renewal_on_time_rate
        end_s = end[r] * DAY
        before = opened[r] + (rng.random(r.size) * np.maximum(end_s - opened[r], 3600)).astype(
            np.int64
        )
        after = end_s + DAY + rng.integers(3 * DAY, 75 * DAY, r.size)
        close = np.where(on_time, np.minimum(before, end_s + DAY - 60), after)
        close = np.where(churn, end_s + rng.integers(-10 * DAY, 30 * DAY, r.size), close)
        close = np.maximum(close, opened[r] + 3600)
        owner, _ = assign_owners(rng, p, cov, firms, acc[r], AM)
        local = len(ren) + np.arange(r.size)
        late = close // DAY > end[r]
        push_at = np.maximum(end_s - 3600, opened[r] + 1)
        has_push = late & ~churn & (push_at < close)
        pl = local[has_push]
        ren.add(
            account=acc[r],
            owner=owner,
            created=opened[r],
            expected_close=end[r],
            amount_initial=total[r],
            amount_final=np.where(churn, total[r], new_arr),
            loss_reason=np.where(rng.random(r.size) < p.loss_reason_captured_rate, 6, -1),
            contact=contact[chain[r]],
            type_captured=rng.random(r.size) < p.deal_type_captured_rate,
            ev_deal=np.concatenate([local, local, pl]),
            ev_to=np.concatenate(
                [
                    np.full(r.size, PROPOSAL),
                    np.where(churn, CLOSED_LOST, CLOSED_WON),
                    np.full(pl.size, PUSH),
                ]
            ),
            ev_at=np.concatenate([opened[r], close, push_at[has_push]]),
            ev_criteria=np.concatenate(
                [
                    np.full(r.size, -1),
                    np.where(churn, -1, rng.random(r.size) < p.exit_criteria_met_rate),
                    np.full(pl.size, -1),
                ]
            ),
            ev_push_days=np.concatenate([np.zeros(2 * r.size), (close // DAY - end[r])[has_push]]),
        )
        done = close < window.end
        renewed = np.zeros(chain.size, bool)
        churned = np.zeros(chain.size, bool)
        renewed[r[~churn & done]] = True
        churned[r[churn & done]] = True
        renewed_flags.append(base_contract[renewed])
        churned_flags.append(base_contract[churned])

        k = np.flatnonzero(renewed)
        rk = np.searchsorted(r, k)
        if k.size:
            orders.add(
                account=acc[k],
                kind=np.full(k.size, 2),
                deal=local[rk],
                quote=np.full(k.size, -1),
                ordered=close[rk],
                amount=new_arr[rk],
            )
        n_start = end[k] + 1
        n_end = add_months(n_start, 12) - 1
        new_contract = n_contracts + np.arange(k.size)
        contracts.add(
            account=acc[k],
            kind=np.full(k.size, 2),
            deal_kind=np.full(k.size, 2),
            deal=local[rk],
            order=n_orders + np.arange(k.size),
            renewal_of=base_contract[k],
            start=n_start,
            end=n_end,
            arr=new_arr[rk],
            chain=chain[k],
            auto_renew=np.zeros(k.size),
            churned=np.zeros(k.size),
            renewed=np.zeros(k.size),
            created=close[rk],
        )
        n_orders += k.size
        n_contracts += k.size
        chain, start, end, arr, base_contract = chain[k], n_start, n_end, new_arr[rk], new_contract
        keep = start <= end_day
        chain, start, end, arr, base_contract = (
            x[keep] for x in (chain, start, end, arr, base_contract)
        )

    renewed_all = np.concatenate(renewed_flags) if renewed_flags else np.zeros(0, np.int64)
    churned_all = np.concatenate(churned_flags) if churned_flags else np.zeros(0, np.int64)
    return Lifecycle(
        expansions=_deal_batch(1, exp),
        renewals=_deal_batch(2, ren),
        orders=orders,
        contracts=contracts,
        churned_accounts=churned_all,
        truth={"renewed_terms": float(renewed_all.size), "churned_terms": float(churned_all.size)},
    )


def contract_tables(
    life: Lifecycle, offsets: dict[int, int], window: Window
) -> tuple[Table, Table]:
    """The ``orders`` and ``contracts`` tables, with global opportunity numbers."""
    o = life.orders
    kind = o.get("kind")
    off = np.array([offsets[0], offsets[1], offsets[2]])
    o_deal = o.get("deal") + off[kind]
    ordered = o.get("ordered")
    activated = ordered + 2 * DAY
    no = len(kind)
    orders = Table.from_columns(
        "orders",
        {
            "id": (Column("id", "OR"), np.arange(1, no + 1)),
            "account_id": (Column("ref", "AC"), o.get("account") + 1),
            "opportunity_id": (Column("ref", "OP"), o_deal + 1),
            "quote_id": (
                Column("ref", "QU"),
                np.where(o.get("quote") >= 0, o.get("quote") + 1, -1),
            ),
            "status": (Column("text"), np.where(activated < window.end, b"activated", b"draft")),
            "ordered_at": (Column("ts"), ordered),
            "activated_at": (Column("ts"), np.where(activated < window.end, activated, MISSING)),
            "total_amount": (Column("money"), o.get("amount")),
            "currency": (Column("text"), np.full(no, b"USD")),
        },
    )
    c = life.contracts
    ckind = c.get("kind")
    nc = len(ckind)
    c_deal = c.get("deal") + off[c.get("deal_kind")]
    renewal_of = c.get("renewal_of")
    start, end = c.get("start"), c.get("end")
    # A term is renewed when a later contract renews it; an expansion follows its base term.
    renewed = np.zeros(nc, dtype=bool)
    renewal_rows = ckind == 2
    renewed[renewal_of[renewal_rows]] = True
    base = np.where(ckind == 1, renewal_of, np.arange(nc))
    last_day = window.end // DAY - 1
    status = np.where(
        renewed[base],
        b"renewed",
        np.where(end < last_day, b"expired", np.where(start > last_day, b"pending", b"active")),
    )
    arr = c.get("arr")
    contracts = Table.from_columns(
        "contracts",
        {
            "id": (Column("id", "CT"), np.arange(1, nc + 1)),
            "account_id": (Column("ref", "AC"), c.get("account") + 1),
            "opportunity_id": (Column("ref", "OP"), c_deal + 1),
            "order_id": (Column("ref", "OR"), c.get("order") + 1),
            "renewal_of_id": (Column("ref", "CT"), np.where(ckind == 2, renewal_of + 1, -1)),
            "status": (Column("text"), status),
            "start_date": (Column("date"), start),
            "end_date": (Column("date"), end),
            "arr": (Column("money"), arr),
            "mrr": (Column("money"), (arr * 2 + 12) // 24),
            "currency": (Column("text"), np.full(nc, b"USD")),
            "auto_renew": (Column("bool"), c.get("auto_renew").astype(np.int8)),
            "cancelled_at": (Column("ts"), np.full(nc, MISSING, dtype=np.int64)),
            "created_at": (Column("ts"), c.get("created")),
            "contract_type": (Column("text"), np.array([b"new", b"expansion", b"renewal"])[ckind]),
            "parent_contract_id": (Column("ref", "CT"), np.where(ckind == 1, renewal_of + 1, -1)),
        },
    )
    return orders, contracts
