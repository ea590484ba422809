"""Benchmark: the pure engine - stage-gate checks and leads scored and routed per second.

Run by hand (never in the test suite)::

    .venv/bin/python bench/engine_rules.py [--gates 20000] [--leads 5000] [--runs 5]

Uses the revenue-machine example spec. Everything runs in one process with no store: the
figures are the pure decision part of the issue's targets (gate checks >= 20,000/s; score and
route >= 5,000 leads/s *including* the store, which this does not measure). Reports medians
over the runs, and each rate as a ratio against a reference loop timed in the same process
(a fixed pure-Python loop of dictionary updates), so figures compare across noisy machines.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from l2o.domain import Account, Lead, Opportunity, Touchpoint
from l2o.engine import EngineRules, PoolState, lead_derived_fields
from l2o.spec import load_spec

SPEC = Path(__file__).resolve().parent.parent / "examples" / "revenue-machine.yaml"
NOW = datetime(2025, 3, 3, 10, tzinfo=UTC)
QUALIFICATION = [
    "identified_pain",
    "metrics",
    "champion",
    "decision_criteria",
    "competitor",
    "economic_buyer",
    "decision_process",
    "paper_process",
]
EVENTS = ["web_visit", "pricing_page_visit", "demo_request", "content_download", "form_fill"]
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "BR", "JP"]


def _reference(iterations: int = 1_000_000) -> float:
    """Reference-loop iterations per second (dictionary updates in pure Python)."""
    counts: dict[int, int] = {}
    start = time.perf_counter()
    for i in range(iterations):
        key = i & 1023
        counts[key] = counts.get(key, 0) + i
    return iterations / (time.perf_counter() - start)


def _deals(n: int, rng: random.Random) -> list[tuple[Opportunity, str, dict[str, int]]]:
    stages = ["discovery", "solution_validation", "business_case", "negotiation"]
    targets = [*stages[1:], "closed_won"]
    moves = []
    for i in range(n):
        at = rng.randrange(len(stages))
        deal = Opportunity(
            name=f"deal {i}",
            stage=stages[at],
            pipeline="new_business",
            amount=Decimal(rng.randrange(5_000, 200_000)),
            close_date=date(2025, 6, 30),
            next_step="call" if rng.random() < 0.8 else None,
            primary_contact_id="c" if rng.random() < 0.9 else None,
            qualification={k: "yes" for k in QUALIFICATION if rng.random() < 0.7},
            custom_fields={"security_review_done": rng.random() < 0.5},
        )
        related = {
            "contact_roles": rng.randrange(5),
            "line_items": rng.randrange(3),
            "approved_quote": rng.randrange(2),
        }
        moves.append((deal, targets[min(at + rng.randrange(2), len(targets) - 1)], related))
    return moves


def _leads(n: int, rng: random.Random) -> list[tuple[Lead, Account | None, list[Touchpoint]]]:
    owners = [None, "am-1", "am-2"]
    out = []
    for i in range(n):
        lead = Lead(
            title=rng.choice(["Head of Data", "CFO", "Analyst", "VP Analytics", "Engineer"]),
            country=rng.choice(COUNTRIES),
            created_at=NOW - timedelta(days=rng.randrange(60)),
            custom_fields={"is_personal_email": rng.random() < 0.1},
        )
        account = None
        if rng.random() < 0.5:
            account = Account(
                name=f"acct {i}",
                employees=rng.choice([40, 150, 600, 3000]),
                country=lead.country,
                technologies=rng.sample(["snowflake", "bigquery", "dbt", "looker"], 2),
                owner_id=rng.choice(owners),
            )
        touches = [
            Touchpoint(
                touch_type=rng.choice(EVENTS),
                occurred_at=NOW - timedelta(hours=rng.randrange(24 * 60)),
                lead_id=lead.id,
            )
            for _ in range(rng.randrange(1, 6))
        ]
        out.append((lead, account, touches))
    return out


def _gate_rate(rules: EngineRules, moves: list[tuple[Opportunity, str, dict[str, int]]]) -> float:
    gates = rules.gates
    start = time.perf_counter()
    for deal, target, related in moves:
        gates.check(deal, target, related=related)
    return len(moves) / (time.perf_counter() - start)


def _lead_rate(
    rules: EngineRules, leads: list[tuple[Lead, Account | None, list[Touchpoint]]]
) -> float:
    scorer, router = rules.scoring, rules.routing
    state = PoolState()
    start = time.perf_counter()
    for n, (lead, account, touches) in enumerate(leads):
        derived = lead_derived_fields(lead, account)
        score = scorer.score(lead, touches, as_of=NOW, derived=derived)
        derived["score"] = score.total
        decision = router.route(
            lead, account=account, state=state, at=NOW + timedelta(seconds=n), derived=derived
        )
        state = decision.state
    return len(leads) / (time.perf_counter() - start)


def main() -> None:
    """Run the benchmark and print the runs and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gates", type=int, default=20_000)
    parser.add_argument("--leads", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    rules = EngineRules.from_spec(load_spec(SPEC))
    rng = random.Random(0)
    moves = _deals(args.gates, rng)
    leads = _leads(args.leads, rng)
    gate_rates, lead_rates, references = [], [], []
    for run in range(args.runs):
        references.append(_reference())
        gate_rates.append(_gate_rate(rules, moves))
        lead_rates.append(_lead_rate(rules, leads))
        print(
            f"run {run}: gate checks {gate_rates[-1]:,.0f}/s, leads scored+routed "
            f"{lead_rates[-1]:,.0f}/s, reference {references[-1]:,.0f} iterations/s"
        )
    gate, lead, ref = (statistics.median(v) for v in (gate_rates, lead_rates, references))
    gate_ratio = statistics.median(r / g for r, g in zip(references, gate_rates, strict=True))
    lead_ratio = statistics.median(r / n for r, n in zip(references, lead_rates, strict=True))
    print(f"\nPython {platform.python_version()} on {platform.machine()}")
    print("| measure | median rate | reference iterations per item (median of runs) | target |")
    print("|---|---:|---:|---:|")
    print(f"| gate checks | {gate:,.0f}/s | {gate_ratio:,.0f} | 20,000/s |")
    print(
        f"| leads scored and routed (pure) | {lead:,.0f}/s | {lead_ratio:,.0f} "
        "| 5,000/s with store |"
    )
    print(f"reference loop: {ref:,.0f} iterations/s")


if __name__ == "__main__":
    main()
