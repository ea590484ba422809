"""Simulate a whole company: the parts in order, each from its own seeded stream.

``simulate(profile="defined", leads=20_000, seed=7)`` returns a :class:`SimulatedCompany`:
every table as column arrays, the architecture spec as the company would have written it,
and the truth (maturity, generating parameters, channel effects, duplicates) that analytics
and the assessment are scored against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from l2o.simulate._accounts import build_accounts, make_people
from l2o.simulate._architecture import architecture_spec
from l2o.simulate._clock import DAY, Window, stream
from l2o.simulate._contracts import build_lifecycle, contract_tables
from l2o.simulate._coverage import build_coverage
from l2o.simulate._deals import outcomes, settle_deals
from l2o.simulate._defects import blank_fields, inject_duplicates, vary_picklists
from l2o.simulate._leads import Funnel, build_funnel
from l2o.simulate._maturity import Maturity, resolve_maturity
from l2o.simulate._parameters import Parameters, parameters_for
from l2o.simulate._pipeline import build_new_business
from l2o.simulate._quoting import catalog_tables, price_deals, quote_tables
from l2o.simulate._table import Column, Table, concat_text
from l2o.simulate._truth import build_truth
from l2o.simulate._usage import build_usage

__all__ = ["STEPS", "TABLE_ORDER", "SimulatedCompany", "simulate"]

TABLE_ORDER = (
    "users",
    "territories",
    "accounts",
    "contacts",
    "leads",
    "campaigns",
    "touchpoints",
    "opportunities",
    "stage_changes",
    "opportunity_field_changes",
    "products",
    "price_book_entries",
    "quotes",
    "quote_lines",
    "approvals",
    "orders",
    "contracts",
    "usage_records",
    "support_tickets",
)
"""The record types a simulated company has, in the order they are written."""

STEPS = (
    "team",
    "accounts",
    "leads",
    "pipeline",
    "quotes",
    "subscriptions",
    "usage",
    "defects",
    "architecture",
)
"""The generation steps, in order, as reported to a ``progress`` callback."""


@dataclass
class SimulatedCompany:
    """A simulated company: its tables, its architecture spec, and the truth behind them."""

    profile: str
    seed: int
    maturity: Maturity
    parameters: Parameters
    tables: dict[str, Table]
    duplicates: Table
    spec: dict[str, Any]
    truth: dict[str, Any]
    account_tier: np.ndarray
    """True ICP tier (1-3) per account row, duplicates included; never written to the CSVs."""

    def counts(self) -> dict[str, int]:
        """Rows per record type, in write order."""
        return {name: len(self.tables[name]) for name in TABLE_ORDER}


def _contacts(
    rng: np.random.Generator,
    funnel: Funnel,
    firms: Any,
    won_accounts: np.ndarray,
    owner_of_account: np.ndarray,
    n_leads: int,
    window: Window,
    start_times: np.ndarray,
) -> tuple[Table, np.ndarray, np.ndarray]:
    lead = np.flatnonzero(funnel.converted)
    people = funnel.people
    extra = rng.poisson(1.5, won_accounts.size)
    x_acc = np.repeat(won_accounts, extra)
    x_created = np.repeat(start_times, extra) + rng.integers(DAY, 120 * DAY, x_acc.size)
    keep = x_created < window.end
    x_acc, x_created = x_acc[keep], x_created[keep]
    leads_at = np.bincount(funnel.account, minlength=len(firms.tier))
    order = np.argsort(x_acc, kind="stable")
    rank = np.empty(x_acc.size, dtype=np.int64)
    sorted_acc = x_acc[order]
    first = (
        np.concatenate([[True], sorted_acc[1:] != sorted_acc[:-1]])
        if x_acc.size
        else np.zeros(0, bool)
    )
    idx = np.arange(x_acc.size)
    rank[order] = idx - np.maximum.accumulate(np.where(first, idx, 0))
    xp = make_people(rng, firms, x_acc, rank + leads_at[x_acc], n_leads + np.arange(x_acc.size))
    account = np.concatenate([funnel.account[lead], x_acc])
    n = account.size

    table = Table.from_columns(
        "contacts",
        {
            "id": (Column("id", "CO"), np.arange(1, n + 1)),
            "account_id": (Column("ref", "AC"), account + 1),
            "first_name": (Column("text"), concat_text(people.first[lead], xp.first)),
            "last_name": (Column("text"), concat_text(people.last[lead], xp.last)),
            "email": (Column("text"), concat_text(people.email[lead], xp.email)),
            "phone": (Column("text"), concat_text(people.phone[lead], xp.phone)),
            "title": (Column("text"), concat_text(people.title[lead], xp.title)),
            "persona": (Column("text"), concat_text(people.persona[lead], xp.persona)),
            "owner_id": (Column("ref", "US"), owner_of_account[account] + 1),
            "created_at": (Column("ts"), np.concatenate([funnel.converted_at[lead], x_created])),
        },
    )
    first_contact = np.full(len(firms.tier), -1, dtype=np.int64)
    first_contact[account[::-1]] = np.arange(n)[::-1]
    first_codes = np.concatenate([people.first_code[lead], xp.first_code])
    return table, first_contact, first_codes


def simulate(
    profile: str = "defined",
    maturity: Maturity | dict[str, int] | None = None,
    leads: int = 10_000,
    months: int = 24,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> SimulatedCompany:
    """Simulate a company of ``profile`` with ``leads`` leads over ``months`` months.

    ``maturity`` overrides the profile's levels (a :class:`Maturity`, or a dict such as
    ``{"pricing": 4}``). The same arguments always give the same company, byte for byte.
    ``progress`` is called with each step's name (see :data:`STEPS`) as it starts.
    """
    if leads < 100:
        raise ValueError(f"leads={leads}: simulate at least 100 leads")
    if not 3 <= months <= 120:
        raise ValueError(f"months={months}: the history must be 3-120 months long")
    m = maturity if isinstance(maturity, Maturity) else resolve_maturity(profile, maturity)
    p = parameters_for(m)
    window = Window.of_months(months)
    say = progress or (lambda step: None)

    say("team")
    cov = build_coverage(stream(seed, "team"), m, leads, window)
    say("accounts")
    firms = build_accounts(stream(seed, "accounts"), p, max(50, leads // 12), cov, window)
    say("leads")
    funnel = build_funnel(stream(seed, "leads"), m, p, leads, firms, cov, window)
    say("pipeline")
    nb = build_new_business(stream(seed, "pipeline"), m, p, funnel, firms, cov)
    say("quotes")
    pricing = price_deals(stream(seed, "quotes"), m, p, nb, window)
    won, closed_at = outcomes(nb, window)
    quote_of_deal = np.full(len(nb), -1, dtype=np.int64)
    quote_of_deal[pricing.deal] = np.arange(pricing.deal.size)
    say("subscriptions")
    life = build_lifecycle(
        stream(seed, "subscriptions"), p, nb, won, closed_at, quote_of_deal, firms, cov, window
    )
    settled = settle_deals(
        [nb, life.expansions, life.renewals], firms.name, window, override_reasons=m.pipeline >= 3
    )
    quotes, lines, approvals = quote_tables(pricing, settled, cov, window)
    orders, contracts = contract_tables(life, settled.offset, window)
    customer = np.unique(contracts["account_id"] - 1)
    first_start = np.full(len(firms.tier), np.iinfo(np.int64).max)
    np.minimum.at(first_start, contracts["account_id"] - 1, contracts["start_date"] * DAY)
    contacts, contact_of_account, contact_first = _contacts(
        stream(seed, "contacts"),
        funnel,
        firms,
        customer,
        firms.owner,
        leads,
        window,
        first_start[customer],
    )
    say("usage")
    usage, tickets, health = build_usage(
        stream(seed, "usage"), p, life, contact_of_account, len(firms.tier), window
    )
    firms.table.data["health_score"] = health
    products, entries = catalog_tables()
    tables: dict[str, Table] = {
        "users": cov.users,
        "territories": cov.territories,
        "accounts": firms.table,
        "contacts": contacts,
        "leads": funnel.leads,
        "campaigns": funnel.campaigns,
        "touchpoints": funnel.touchpoints,
        "opportunities": settled.opportunities,
        "stage_changes": settled.stage_changes,
        "opportunity_field_changes": settled.field_changes,
        "products": products,
        "price_book_entries": entries,
        "quotes": quotes,
        "quote_lines": lines,
        "approvals": approvals,
        "orders": orders,
        "contracts": contracts,
        "usage_records": usage,
        "support_tickets": tickets,
    }

    say("defects")
    rng = stream(seed, "defects")
    f = p.missing_field_factor
    blanked = {
        "accounts": blank_fields(
            rng,
            tables["accounts"],
            {
                "industry": p.firmographics_missing_rate,
                "employees": p.firmographics_missing_rate,
                "annual_revenue": p.firmographics_missing_rate * 1.5,
                "domain": 0.08 * f,
            },
        ),
        "leads": blank_fields(
            rng,
            tables["leads"],
            {
                "title": 0.3 * f,
                "phone": 0.25 * f,
                "country": 0.2 * f,
            },
        ),
        "contacts": blank_fields(rng, tables["contacts"], {"title": 0.25 * f, "phone": 0.3 * f}),
    }
    varied = vary_picklists(rng, tables, p.picklist_variant_rate)
    dup_columns = inject_duplicates(
        rng,
        tables,
        {"leads": funnel.people.first_code, "contacts": contact_first},
        p,
        window,
    )
    duplicates = Table.from_columns(
        "duplicates", {k: (Column("text"), v) for k, v in dup_columns.items()}
    )

    say("architecture")
    spec = architecture_spec(m, p)
    master = np.arange(len(tables["accounts"]))
    dup_accounts = duplicates["record_type"] == b"accounts"
    dup_rows = np.char.decode(duplicates["duplicate_id"][dup_accounts]).astype(object)
    if dup_rows.size:
        dup_index = np.array([int(x[3:]) - 1 for x in dup_rows])
        master_index = np.array(
            [int(x[3:]) - 1 for x in np.char.decode(duplicates["master_id"][dup_accounts])]
        )
        master[dup_index] = master_index
    tier = firms.tier[master]
    company = SimulatedCompany(profile, seed, m, p, tables, duplicates, spec, {}, tier)
    company.truth = build_truth(
        company,
        window,
        funnel.channel_truth,
        blanked,
        varied,
        founder_owned=int(nb.extra["founder"].sum()),
        leads=leads,
        months=months,
    )
    return company
