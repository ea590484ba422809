"""Benchmark: lead scoring with the learned model switched on vs the spec's rules alone.

Run by hand (never in the test suite)::

    .venv/bin/python bench/learned_scoring.py [--leads 5000] [--runs 5]

The revenue-machine example spec scores the same synthetic leads twice in one process: the
rules only (fit + engagement, then the lifecycle stages - what ``rescore_lead`` asks of the
engine), and the rules plus the learned lead-conversion probability with its reasons (the
engine's ``LearnedScoring`` over a ``CompiledScorer`` and the services' feature builder).
The compiled model is fitted once, up front, on synthetic outcomes over the same features;
scoring never touches scikit-learn. Reports medians of the runs and the slowdown ratio
(rules-only rate / learned-on rate, per run, median).
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from l2o.analytics.models import LEAD_CONVERSION, CalibratedLogit, Examples
from l2o.domain import Account, Lead, Touchpoint
from l2o.engine import EngineRules, LeadConversionScoring, LearnedScoring, lead_derived_fields
from l2o.services.model_features import lead_feature_builder
from l2o.spec import load_spec

SPEC = Path(__file__).resolve().parent.parent / "examples" / "revenue-machine.yaml"
NOW = datetime(2025, 3, 3, 10, tzinfo=UTC)
CHANNELS = ["paid_search", "organic", "referrals", "events", "email", "social"]
TITLES = ["Head of Data", "CFO", "Analyst", "VP Analytics", "Engineer", "Director of IT"]
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "BR", "JP"]
EVENTS = ["web_visit", "pricing_page_visit", "demo_request", "content_download", "form_fill"]
FEATURES = [
    "channel",
    "country",
    "seniority",
    "personal_email",
    "account_industry",
    "account_segment",
    "account_employees",
    "first_touch_minutes",
    "touches",
    *(f"touched:{c}" for c in CHANNELS),
]

Item = tuple[Lead, Account | None, list[Touchpoint]]


def _leads(n: int, rng: random.Random) -> list[Item]:
    out = []
    for i in range(n):
        created = NOW - timedelta(hours=rng.randrange(1, 24 * 30))
        lead = Lead(
            email=f"p{i}@{rng.choice(['acme.example', 'gmail.com', 'globex.example'])}",
            title=rng.choice(TITLES),
            country=rng.choice(COUNTRIES),
            channel=rng.choice(CHANNELS),
            created_at=created,
        )
        account = None
        if rng.random() < 0.6:
            account = Account(
                name=f"acct {i}",
                industry=rng.choice(["Software", "Retail", "Financial Services"]),
                segment=rng.choice(["smb", "mid_market", "enterprise"]),
                employees=rng.choice([40, 150, 600, 3000]),
                created_at=created - timedelta(days=30),
            )
        touches = [
            Touchpoint(
                touch_type=rng.choice(EVENTS),
                channel=rng.choice(CHANNELS),
                occurred_at=created + timedelta(hours=rng.randrange(0, 48)),
                lead_id=lead.id,
            )
            for _ in range(rng.randrange(1, 6))
        ]
        out.append((lead, account, touches))
    return out


def _scoring(leads: list[Item], rng: random.Random) -> LeadConversionScoring:
    """A compiled learned model over the real feature builder, fitted on synthetic outcomes."""
    build = lead_feature_builder(FEATURES)
    rows = [build(lead, account, touches, NOW) for lead, account, touches in leads]
    columns = {
        name: np.array(
            [r[name] for r in rows],
            dtype=np.float64 if LEAD_CONVERSION.feature(name).kind == "number" else object,
        )
        for name in FEATURES
    }
    n = len(rows)
    lift = np.array([0.8 if r["touched:referrals"] == "yes" else 0.0 for r in rows])
    outcome = (np.array([rng.random() for _ in range(n)]) < 1 / (1 + np.exp(1.2 - lift))) * 1.0
    scored = np.arange(n, dtype=np.float64)
    examples = Examples(
        task=LEAD_CONVERSION,
        ids=np.array([lead.id for lead, _, _ in leads], dtype=object),
        columns=columns,
        scored_at=scored,
        outcome=outcome,
        label_known_at=scored,
        rule_score=np.full(n, np.nan),
    )
    scorer = CalibratedLogit().fit(examples).compile()
    scoring: LeadConversionScoring = LearnedScoring("lead-conversion", scorer, build, ("bench",))
    return scoring


def _rate(rules: EngineRules, leads: list[Item], learned: bool) -> float:
    scoring, stages, conversion = rules.scoring, rules.lead_stages, rules.lead_conversion
    start = time.perf_counter()
    for lead, account, touches in leads:
        derived = lead_derived_fields(lead, account)
        score = scoring.score(lead, touches, as_of=NOW, derived=derived)
        derived["score"] = score.total
        stages.transitions(lead, touches, as_of=NOW, derived=derived, fit=score.fit)
        if learned and conversion is not None:
            conversion.probability(lead, account, touches, NOW)
    return len(leads) / (time.perf_counter() - start)


def main() -> None:
    """Run the benchmark and print the runs and the medians."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--leads", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(0)
    leads = _leads(args.leads, rng)
    rules = EngineRules.from_spec(load_spec(SPEC)).with_learned(
        lead_conversion=_scoring(leads, rng)
    )
    assert "sklearn" in sys.modules  # fitted above; scoring below only reads lookup tables
    plain, learned = [], []
    for run in range(args.runs):
        plain.append(_rate(rules, leads, learned=False))
        learned.append(_rate(rules, leads, learned=True))
        print(f"run {run}: rules only {plain[-1]:,.0f}/s, learned on {learned[-1]:,.0f}/s")
    ratio = statistics.median(p / q for p, q in zip(plain, learned, strict=True))
    per_lead = statistics.median(1e6 / q - 1e6 / p for p, q in zip(plain, learned, strict=True))
    print(f"\nPython {platform.python_version()} on {platform.machine()}")
    print("| measure | median rate |")
    print("|---|---:|")
    print(f"| leads scored and staged, rules only | {statistics.median(plain):,.0f}/s |")
    print(f"| leads scored and staged, learned on | {statistics.median(learned):,.0f}/s |")
    print(f"rules-only / learned-on: {ratio:.2f}; learned probability adds {per_lead:.1f} us/lead")


if __name__ == "__main__":
    main()
