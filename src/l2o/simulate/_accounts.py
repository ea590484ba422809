"""Accounts with firmographics and a true ICP fit, and the people who work at them.

Each account's *true* tier comes from its industry, size and region; the company's ICP
maturity decides whether that tier is written on the record (and how accurately). Names,
domains, e-mails and phone numbers are unique by construction, so the only duplicates in a
simulated company are the ones :mod:`l2o.simulate._defects` injects and records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.simulate._clock import DAY, Window
from l2o.simulate._coverage import AE, Coverage
from l2o.simulate._parameters import Parameters
from l2o.simulate._table import MISSING, Column, Table
from l2o.simulate._vocab import (
    COMPANY_ADJECTIVES,
    COMPANY_NOUNS,
    COMPANY_SECTORS,
    COUNTRIES,
    COUNTRY_PHONE_AREAS,
    COUNTRY_PHONE_CODE,
    COUNTRY_REGION,
    COUNTRY_SHARE,
    FIRST_NAMES,
    INDUSTRIES,
    INDUSTRY_FIT,
    LAST_NAMES,
    LEGAL_FORMS,
    REGIONS,
    TITLE_PERSONAS,
    TITLE_SENIORITY,
    TITLES,
)

__all__ = ["Firms", "People", "build_accounts", "make_people", "true_tier"]

_NAME_PAIRS = len(FIRST_NAMES) * len(LAST_NAMES)
_PAIR_STRIDE = 7_919  # prime, coprime with the number of name pairs: unique within an account


@dataclass
class Firms:
    """Accounts and the hidden truth behind them (tier, segment, territory)."""

    table: Table
    tier: np.ndarray  # true ICP tier 1..3
    segment: np.ndarray  # 0 smb, 1 mid-market, 2 enterprise
    region: np.ndarray
    country: np.ndarray
    territory: np.ndarray
    owner: np.ndarray  # user number
    employees: np.ndarray
    name: np.ndarray
    domain: np.ndarray


def true_tier(industry: np.ndarray, employees: np.ndarray, region: np.ndarray) -> np.ndarray:
    """The account's real fit: tier 1 (best) to 3, from industry, size and region.

    Points: industry fit 0-2, size 200-5,000 employees 2 (50-200 or 5,000-20,000: 1),
    region NA/EMEA 1. Tier 1 at 4+ points, tier 2 at 2-3, else tier 3.
    """
    size = np.where(
        (employees >= 200) & (employees <= 5000),
        2,
        np.where((employees >= 50) & (employees <= 20000), 1, 0),
    )
    points = INDUSTRY_FIT[industry] + size + (region < 2)
    return np.where(points >= 4, 1, np.where(points >= 2, 2, 3))


def _unique_company_words(rng: np.random.Generator, n: int) -> np.ndarray:
    total = len(COMPANY_ADJECTIVES) * len(COMPANY_NOUNS) * len(COMPANY_SECTORS)
    codes = rng.permutation(total)
    if n > total:  # beyond the vocabulary, a numbered series keeps names unique
        codes = np.concatenate([codes, np.arange(total, n)])
    return codes[:n]


def build_accounts(
    rng: np.random.Generator, p: Parameters, n: int, cov: Coverage, window: Window
) -> Firms:
    """``n`` accounts with firmographics, an owner in their territory, and a true tier."""
    code = _unique_company_words(rng, n)
    na, nn = len(COMPANY_ADJECTIVES), len(COMPANY_NOUNS)
    adj, noun, sector = code % na, code // na % nn, code // (na * nn) % len(COMPANY_SECTORS)
    series = code // (na * nn * len(COMPANY_SECTORS))
    stem = np.strings.add(np.strings.add(COMPANY_ADJECTIVES[adj], COMPANY_NOUNS[noun]), b" ")
    stem = np.strings.add(stem, COMPANY_SECTORS[sector])
    suffix = np.where(series > 0, np.strings.add(b" ", series.astype("S12")), b"")
    stem = np.strings.add(stem, suffix)
    name = np.strings.add(np.strings.add(stem, b" "), LEGAL_FORMS[rng.integers(0, 8, n)])
    domain = np.strings.add(
        np.strings.lower(np.strings.replace(stem, b" ", b"")), np.array(b".example")
    )

    industry = rng.integers(0, len(INDUSTRIES), n)
    employees = np.clip(np.round(rng.lognormal(np.log(150), 1.5, n)), 5, 100_000).astype(np.int64)
    revenue = (employees * 150_000 * rng.lognormal(0, 0.4, n)).astype(np.int64) // 1000 * 100_000
    country = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_SHARE)
    region = COUNTRY_REGION[country]
    segment = np.where(employees < 200, 0, np.where(employees < 2000, 1, 2))
    tier = true_tier(industry, employees, region)
    territory = region * 3 + segment
    owner = cov.pick(rng, AE, territory, cov.territory)

    # The recorded tier: absent below a defined ICP; partly wrong while only "defined".
    recorded = rng.random(n) < p.tier_recorded_rate
    wrong = rng.random(n) < (0.25 if p.tier_recorded_rate < 0.9 else 0.02)
    shown_tier = np.where(wrong, rng.integers(1, 4, n), tier)
    tier_text = np.where(recorded, np.strings.add(b"tier_", shown_tier.astype("S1")), b"")
    fit = (4 - tier) / 3 * 0.7 + rng.random(n) * 0.3
    icp_score = np.where(recorded & (p.tier_recorded_rate >= 0.97), np.round(fit * 10_000), MISSING)
    created = window.start - rng.integers(0, 720, n) * DAY + rng.integers(0, DAY, n)
    table = Table.from_columns(
        "accounts",
        {
            "id": (Column("id", "AC"), np.arange(1, n + 1)),
            "name": (Column("text"), name),
            "domain": (Column("text"), domain),
            "industry": (Column("text"), INDUSTRIES[industry]),
            "employees": (Column("int"), employees),
            "annual_revenue": (Column("money"), revenue),
            "country": (Column("text"), COUNTRIES[country]),
            "region": (Column("text"), REGIONS[region]),
            "tier": (Column("text"), tier_text),
            "icp_score": (Column("ratio"), icp_score.astype(np.int64)),
            "owner_id": (Column("ref", "US"), owner + 1),
            "parent_id": (Column("ref", "AC"), np.full(n, -1, dtype=np.int64)),
            "created_at": (Column("ts"), created),
            "segment": (Column("text"), np.array([b"smb", b"mid_market", b"enterprise"])[segment]),
            "territory_id": (Column("ref", "TE"), territory + 1),
            "health_score": (Column("int"), np.full(n, MISSING, dtype=np.int64)),
        },
    )
    return Firms(table, tier, segment, region, country, territory, owner, employees, name, domain)


@dataclass
class People:
    """Person fields for a batch of people (leads or contacts), all ASCII bytes."""

    first: np.ndarray
    last: np.ndarray
    email: np.ndarray
    phone: np.ndarray
    title: np.ndarray
    persona: np.ndarray
    seniority: np.ndarray
    first_code: np.ndarray


def make_people(
    rng: np.random.Generator,
    firms: Firms,
    account: np.ndarray,
    rank: np.ndarray,
    serial: np.ndarray,
) -> People:
    """People at ``account`` (account numbers), ``rank`` being each one's number within its
    account and ``serial`` a company-wide person number (both unique per person).

    Name pairs step through all first x last combinations by a stride coprime with their
    count, so no two people at one account share a name (hence an e-mail); the phone's
    seven subscriber digits are an invertible function of ``serial``, so phones are unique too.
    """
    offset = (account * 104_729) % _NAME_PAIRS
    pair = (offset + rank * _PAIR_STRIDE) % _NAME_PAIRS
    f, last_code = pair % len(FIRST_NAMES), pair // len(FIRST_NAMES)
    first, last = FIRST_NAMES[f], LAST_NAMES[last_code]
    local = np.strings.lower(np.strings.add(np.strings.add(first, b"."), last))
    email = np.strings.add(np.strings.add(local, b"@"), firms.domain[account])
    # Subscriber digits 2000000..9999999 (a first digit of 0 or 1 is not dialable): an
    # invertible function of the serial modulo 8,000,000, so phones stay unique.
    digits = 2_000_000 + (serial * 7_919 + 1_234_567) % 8_000_000
    country = firms.country[account]
    area = COUNTRY_PHONE_AREAS[country, serial % COUNTRY_PHONE_AREAS.shape[1]]
    phone = np.strings.add(b"+", COUNTRY_PHONE_CODE[country])
    phone = np.strings.add(np.strings.add(phone, b" "), area)
    phone = np.strings.add(np.strings.add(phone, b" "), (digits // 10_000).astype("S3"))
    phone = np.strings.add(
        np.strings.add(phone, b" "), np.strings.zfill((digits % 10_000).astype("S4"), 4)
    )
    title = rng.choice(len(TITLES), size=len(account), p=_TITLE_SHARE)
    return People(
        first, last, email, phone, TITLES[title], TITLE_PERSONAS[title], TITLE_SENIORITY[title], f
    )


_TITLE_SHARE = np.array([2, 2, 2, 3, 3, 3, 6, 6, 5, 7, 9, 8, 10, 9, 8, 8, 4, 5], dtype=float)
_TITLE_SHARE /= _TITLE_SHARE.sum()
