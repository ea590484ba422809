"""Synthetic examples with a known logistic truth, in time order (no I/O)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from l2o.analytics.models import LEAD_CONVERSION, Examples

CHANNEL_EFFECT = {"referrals": 1.2, "events": 0.4, "organic": 0.0, "paid_search": -0.3}


def make_examples(n: int = 3_000, seed: int = 0) -> Examples:
    """``n`` leads over two years whose conversion follows a known logistic model.

    Outcomes become known 1-60 days after scoring; those that would be known only after the
    last scoring moment have none yet (still open).
    """
    rng = np.random.default_rng(seed)
    scored = np.sort(rng.uniform(19_000, 19_730, n))
    channels = np.array(list(CHANNEL_EFFECT), dtype=object)
    channel = channels[rng.integers(0, len(channels), n)]
    employees = np.exp(rng.normal(5, 1.5, n))
    employees[rng.random(n) < 0.1] = np.nan
    seniority = np.array(["c_level", "vp", "manager", "staff", None], dtype=object)[
        rng.integers(0, 5, n)
    ]
    logit = (
        -1.6
        + np.array([CHANNEL_EFFECT[c] for c in channel])
        + 0.3 * np.nan_to_num((np.log(employees) - 5) / 1.5)
        + np.where(seniority == "c_level", 0.5, 0.0)
    )
    converted = rng.random(n) < 1 / (1 + np.exp(-logit))
    known_at = scored + rng.uniform(1, 60, n)
    end = scored.max()
    known = known_at <= end
    outcome = np.where(known, converted.astype(float), np.nan)
    return Examples(
        task=LEAD_CONVERSION,
        ids=np.array([f"L{i}" for i in range(n)], dtype=object),
        columns={
            "channel": channel,
            "seniority": seniority,
            "account_employees": employees,
            "touched:events": np.where(rng.random(n) < 0.3, "yes", "no").astype(object),
        },
        scored_at=scored,
        outcome=outcome,
        label_known_at=np.where(known, known_at, np.nan),
        rule_score=logit + rng.normal(0, 1.5, n),
        rule_how="a noisy copy of the truth",
    )


@pytest.fixture(scope="session")
def examples() -> Examples:
    """Three thousand synthetic leads (seed 0)."""
    return make_examples()


@pytest.fixture
def example_maker() -> Callable[..., Examples]:
    """The synthetic example factory, for tests that need another size or seed."""
    return make_examples
