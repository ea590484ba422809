"""Benchmark: the revenue services on SQLite - leads added, scored and routed per second with
their touchpoints, and stage-gate checks per second through the deals service's reads.

Run by hand (never in the test suite)::

    .venv/bin/python bench/engine_services.py [--leads 300] [--gates 2000] [--runs 3] [--profile]

In one process, on a fresh SQLite file in a temporary directory, with the revenue-machine
example spec and its pool members stored as users:

- **leads**: ``add_lead`` (stored, scored, staged and routed in one transaction) then two
  ``log_touchpoint`` calls (each rescoring from every touchpoint, in its own transaction);
  a lead is counted once all three committed. The issue's target: 5,000 leads/s.
- **gate checks**: what ``deals.move_opportunity`` does before it writes - load the deal,
  count its related records (``gate_facts``), derive its fields, ``StageGate.check`` - with
  no write: in a unit of work per check (as a command), and all in one unit of work. Target:
  20,000 checks/s.

Each rate is the median of the runs, and also given as reference-loop iterations per item
(a fixed pure-Python loop timed in the same process), so figures compare across machines.
``--profile`` prints where the lead path spends its time (cProfile, top functions).
"""

from __future__ import annotations

import argparse
import cProfile
import platform
import pstats
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from l2o import domain as d
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deal_facts import deal_derived_fields, gate_facts
from l2o.services.leads import add_lead, log_touchpoint
from l2o.store import SqlAlchemyUnitOfWork, upgrade

SPEC = Path(__file__).resolve().parent.parent / "examples" / "revenue-machine.yaml"
NOW = datetime(2025, 3, 3, 10, tzinfo=UTC)
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "BR"]
TITLES = ["Head of Data", "CFO", "Analyst", "VP Analytics", "Data Engineer"]
TOUCHES = ["pricing_page_visit", "webinar_attended", "content_download", "email_click"]
TARGETS = {"discovery": "solution_validation", "solution_validation": "business_case"}


def _reference(iterations: int = 1_000_000) -> float:
    """Reference-loop iterations per second (dictionary updates in pure Python)."""
    counts: dict[int, int] = {}
    start = time.perf_counter()
    for i in range(iterations):
        key = i & 1023
        counts[key] = counts.get(key, 0) + i
    return iterations / (time.perf_counter() - start)


def _system(directory: Path) -> RevenueSystem:
    url = f"sqlite:///{directory / 'l2o.db'}"
    upgrade(url)
    system = RevenueSystem.build(SPEC, url, source="bench")
    routing = system.spec.signals.routing if system.spec.signals else None
    members = {m.user for pool in (routing.pools if routing else []) for m in pool.members}
    with SqlAlchemyUnitOfWork(system.engine, source="bench") as uow:
        for email in sorted(members):
            uow.users.add(d.User(name=email.split("@")[0], email=email, role=d.UserRole.SDR))
        uow.commit()
    return system


def _lead_rate(system: RevenueSystem, n: int, rng: random.Random, offset: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        # 20 minutes apart: about 72 leads a day, near the pools' daily capacity
        at = NOW + timedelta(minutes=20 * (offset + i))
        outcome = add_lead(
            system,
            d.AddLead(
                at=at,
                email=f"lead{offset + i}@company{rng.randrange(500)}.example",
                title=rng.choice(TITLES),
                country=rng.choice(COUNTRIES),
            ),
        )
        for k in (1, 2):
            log_touchpoint(
                system,
                d.LogTouchpoint(
                    lead_id=outcome.lead_id,
                    touch_type=rng.choice(TOUCHES),
                    at=at + timedelta(seconds=k),
                ),
            )
    return n / (time.perf_counter() - start)


def _seed_deals(system: RevenueSystem, n: int, rng: random.Random) -> list[str]:
    ids = []
    with SqlAlchemyUnitOfWork(system.engine, source="bench") as uow:
        for i in range(n):
            account = uow.accounts.add(d.Account(name=f"account {i}"))
            contact = uow.contacts.add(d.Contact(account_id=account.id, last_name=f"c{i}"))
            deal = uow.opportunities.add(
                d.Opportunity(
                    name=f"deal {i}",
                    account_id=account.id,
                    pipeline="new_business",
                    stage=rng.choice(list(TARGETS)),
                    stage_entered_at=NOW,
                    amount=Decimal(rng.randrange(5_000, 200_000)),
                    next_step="call" if rng.random() < 0.8 else None,
                    primary_contact_id=contact.id,
                    qualification={"identified_pain": "x", "metrics": "y"},
                )
            )
            ids.append(deal.id)
        uow.commit()
    return ids


def _check(uow: SqlAlchemyUnitOfWork, system: RevenueSystem, deal_id: str) -> bool:
    deal = uow.opportunities.get(deal_id)
    gate = system.rules.gates.for_pipeline(deal.pipeline)
    decision = gate.check(
        deal,
        TARGETS[deal.stage],
        related=gate_facts(uow, deal, system.spec),
        derived=deal_derived_fields(uow, deal, NOW),
    )
    return decision.allowed


def _gate_rate_per_command(system: RevenueSystem, deal_ids: list[str]) -> float:
    start = time.perf_counter()
    for deal_id in deal_ids:
        with system.unit_of_work() as uow:
            _check(uow, system, deal_id)
    return len(deal_ids) / (time.perf_counter() - start)


def _gate_rate_one_unit(system: RevenueSystem, deal_ids: list[str]) -> float:
    start = time.perf_counter()
    with system.unit_of_work() as uow:
        for deal_id in deal_ids:
            _check(uow, system, deal_id)
    return len(deal_ids) / (time.perf_counter() - start)


def main() -> None:
    """Run the benchmark and print the runs, the medians and (``--profile``) the hot spots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=300)
    parser.add_argument("--gates", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        system = _system(Path(tmp))
        rng = random.Random(0)
        deal_ids = _seed_deals(system, args.gates, rng)
        leads, per_command, one_unit, references = [], [], [], []
        for run in range(args.runs):
            references.append(_reference())
            leads.append(_lead_rate(system, args.leads, rng, run * args.leads))
            per_command.append(_gate_rate_per_command(system, deal_ids))
            one_unit.append(_gate_rate_one_unit(system, deal_ids))
            print(
                f"run {run}: leads {leads[-1]:,.0f}/s, gate checks {per_command[-1]:,.0f}/s "
                f"(a unit of work each) / {one_unit[-1]:,.0f}/s (one unit of work), "
                f"reference {references[-1]:,.0f} iterations/s"
            )
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(_lead_rate, system, 100, rng, args.runs * args.leads)
            pstats.Stats(profile).sort_stats("tottime").print_stats(15)
        system.engine.dispose()

    def ratio(rates: list[float]) -> float:
        return statistics.median(r / x for r, x in zip(references, rates, strict=True))

    print(f"\nPython {platform.python_version()} on {platform.machine()}, SQLite")
    print("| measure | median rate | reference iterations per item | target |")
    print("|---|---:|---:|---:|")
    print(
        f"| leads added, scored and routed, 2 touchpoints each | "
        f"{statistics.median(leads):,.0f}/s | {ratio(leads):,.0f} | 5,000/s |"
    )
    print(
        f"| gate checks, a unit of work each | {statistics.median(per_command):,.0f}/s "
        f"| {ratio(per_command):,.0f} | 20,000/s |"
    )
    print(
        f"| gate checks, one unit of work | {statistics.median(one_unit):,.0f}/s "
        f"| {ratio(one_unit):,.0f} | 20,000/s |"
    )
    print(f"reference loop: {statistics.median(references):,.0f} iterations/s")


if __name__ == "__main__":
    main()
