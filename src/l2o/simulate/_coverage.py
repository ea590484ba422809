"""The go-to-market team: territories and users in a coverage model.

Territories are region x segment. AEs own new business in a territory, SDRs work leads in a
region, AMs own renewals and expansions, CSMs look after customers, managers approve and
coach, and a founder who still closes deals. A weak commercial structure shows as work
landing on the wrong role (see :mod:`l2o.simulate._pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from l2o.simulate._clock import DAY, Window
from l2o.simulate._maturity import Maturity
from l2o.simulate._table import Column, Table, join_text
from l2o.simulate._vocab import FIRST_NAMES, LAST_NAMES, REGIONS, as_bytes

__all__ = ["ROLES", "SEGMENTS", "Coverage", "build_coverage"]

SEGMENTS = as_bytes(["smb", "mid_market", "enterprise"])
ROLES = as_bytes(["founder", "vp_sales", "manager", "ae", "sdr", "am", "csm", "deal_desk"])
FOUNDER, VP, MANAGER, AE, SDR, AM, CSM, DEAL_DESK = range(len(ROLES))


@dataclass
class Coverage:
    """Users and territories, with the lookups other generators route work through."""

    users: Table
    territories: Table
    role: np.ndarray
    region: np.ndarray
    territory: np.ndarray
    manager: np.ndarray

    def of_role(self, role: int, region: int | None = None) -> np.ndarray:
        """User numbers with ``role`` (in ``region`` if given), in id order."""
        mask = self.role == role
        if region is not None:
            mask &= self.region == region
        return np.flatnonzero(mask)

    def pick(
        self, rng: np.random.Generator, role: int, group: np.ndarray, group_of_user: np.ndarray
    ) -> np.ndarray:
        """For each item in ``group`` (a region or territory code), a random user of ``role``
        whose ``group_of_user`` matches; items whose group has no such user get any of them.
        """
        users = self.of_role(role)
        if users.size == 0:
            users = self.of_role(FOUNDER)
        keys = group_of_user[users]
        order = np.argsort(keys, kind="stable")
        users, keys = users[order], keys[order]
        n_groups = int(max(group.max(initial=0), keys.max(initial=0))) + 1
        counts = np.bincount(keys, minlength=n_groups)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        has = counts[group] > 0
        r = rng.random(len(group))
        own = starts[group] + (r * np.maximum(counts[group], 1)).astype(np.int64)
        anyone = (r * len(users)).astype(np.int64)
        return users[np.where(has, own, anyone)]


def build_coverage(rng: np.random.Generator, m: Maturity, leads: int, window: Window) -> Coverage:
    """The team for a company receiving ``leads`` leads over the window."""
    per_month = leads / max(window.months, 1)
    n_ae = max(3, round(per_month / 250))
    n_sdr = max(1, round(per_month / (500 if m.commercial >= 2 else 1500)))
    n_am = max(1, n_ae // 3)
    n_csm = max(1, n_ae // 3)
    n_mgr = max(1, (n_ae + n_sdr + n_am + n_csm) // 8)
    counts = [
        (FOUNDER, 1),
        (VP, 1 if m.commercial >= 2 else 0),
        (MANAGER, n_mgr),
        (AE, n_ae),
        (SDR, n_sdr),
        (AM, n_am),
        (CSM, n_csm),
        (DEAL_DESK, 1 if m.pricing >= 3 else 0),
    ]
    role = np.concatenate([np.full(k, r, dtype=np.int64) for r, k in counts])
    n = len(role)

    territory_region = np.repeat(np.arange(3), 3)
    territory_segment = np.tile(np.arange(3), 3)
    # Territories get AEs in proportion to their share of accounts (NA largest, SMB most).
    weights = (
        np.array([0.56, 0.34, 0.10])[territory_region]
        * np.array([0.5, 0.35, 0.15])[territory_segment]
    )
    territory = np.where(role == AE, rng.choice(9, size=n, p=weights / weights.sum()), -1)
    territory[np.flatnonzero(role == AE)[:9]] = np.arange(min(9, n_ae))
    region = np.where(territory >= 0, territory_region[np.maximum(territory, 0)], -1)
    others = (role != AE) & (role != FOUNDER) & (role != VP) & (role != DEAL_DESK)
    region = np.where(others, rng.choice(3, size=n, p=[0.56, 0.34, 0.10]), region)
    for r in (SDR, AM, CSM, MANAGER):
        first = np.flatnonzero(role == r)[:3]
        region[first] = np.arange(len(first))

    boss = 1 if m.commercial >= 2 else 0
    managers = np.flatnonzero(role == MANAGER)
    manager = np.where(role <= VP, -1, boss)
    reps = role > MANAGER
    manager[reps] = managers[rng.integers(0, len(managers), reps.sum())]
    manager[role == MANAGER] = boss
    manager[0] = -1

    pair = rng.permutation(len(FIRST_NAMES) * len(LAST_NAMES))[:n]
    first, last = FIRST_NAMES[pair % len(FIRST_NAMES)], LAST_NAMES[pair // len(FIRST_NAMES)]
    name = join_text(first, b" ", last)
    email = np.strings.lower(join_text(first, b".", last, b"@l2o-sim.example"))
    team = np.where(
        territory >= 0,
        np.strings.add(
            np.strings.add(REGIONS[np.maximum(region, 0)], b"-"),
            SEGMENTS[territory_segment[np.maximum(territory, 0)]],
        ),
        np.where(region >= 0, REGIONS[np.maximum(region, 0)], b"hq"),
    )
    team = np.strings.lower(team)
    capacity = np.where(role == SDR, 400, np.where(role == AE, 60, -1))
    created = window.start - rng.integers(30, 720, n) * DAY
    users = Table.from_columns(
        "users",
        {
            "id": (Column("id", "US"), np.arange(1, n + 1)),
            "name": (Column("text"), name),
            "email": (Column("text"), email),
            "role": (Column("text"), ROLES[role]),
            "team": (Column("text"), team),
            "manager_id": (Column("ref", "US"), np.where(manager >= 0, manager + 1, -1)),
            "active": (Column("bool"), np.ones(n, dtype=np.int8)),
            "capacity": (Column("int"), np.where(capacity >= 0, capacity, np.iinfo(np.int64).min)),
            "created_at": (Column("ts"), created),
            "territory_id": (Column("ref", "TE"), np.where(territory >= 0, territory + 1, -1)),
        },
    )
    territories = Table.from_columns(
        "territories",
        {
            "id": (Column("id", "TE"), np.arange(1, 10)),
            "name": (
                Column("text"),
                np.strings.lower(
                    np.strings.add(
                        np.strings.add(REGIONS[territory_region], b"-"),
                        SEGMENTS[territory_segment],
                    )
                ),
            ),
            "region": (Column("text"), REGIONS[territory_region]),
            "segment": (Column("text"), SEGMENTS[territory_segment]),
        },
    )
    return Coverage(users, territories, role, region, territory, manager)
