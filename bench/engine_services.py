"""Benchmark: the revenue services on SQLite - leads added, scored and routed per second with
their touchpoints, and stage-gate checks per second - one at a time and in batches.

Run by hand (never in the test suite)::

    .venv/bin/python bench/engine_services.py [--leads 300] [--batch-leads 5000]
        [--gates 2000] [--batch-gates 20000] [--runs 3] [--group-sizes 1,4,16]
        [--group-leads 320] [--profile]

In one process, on a fresh SQLite file in a temporary directory, with the revenue-machine
example spec and its pool members stored as users:

- **leads, batch**: ``leads_batch.add_leads`` - new leads arriving with two touchpoints each,
  stored, scored, staged and routed, with their assignments, audit rows and events, in
  batches of 1,000 (one transaction each). The issue's target: 5,000 leads/s.
- **leads, one at a time**: ``add_lead`` with the same two touches (one transaction a lead),
  and the older measure, ``add_lead`` then two ``log_touchpoint`` (three transactions).
- **leads, small groups** (``--group-sizes``): ``add_leads`` on groups of a few leads, as the
  API stores the leads it receives together - what a group costs in process CPU time, so the
  fixed cost per transaction shows apart from the cost per lead.
- **gate checks, batch**: ``deals_batch.check_gates`` on every seeded deal at once (the facts
  read with set-based queries). Target: 20,000 checks/s.
- **gate checks, one at a time**: what ``deals.move_opportunity`` does before it writes -
  load the deal, count its related records (``gate_facts``), derive its fields,
  ``StageGate.check`` - in a unit of work per check, and all in one unit of work.
- **pure rules** (the reference): the same leads scored and routed, and the same deals'
  gates checked, by the engine alone on records already in memory (as
  ``bench/engine_rules.py`` does), timed in the same run.

Each rate is the median of the runs; each service rate is also given as a ratio to the pure
rules' rate in the same run (median of the per-run ratios), so figures compare across busy
machines. ``--profile`` prints where the batch lead path spends its time (cProfile).
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
from l2o.engine import PoolState, lead_derived_fields
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deal_facts import deal_derived_fields, gate_facts
from l2o.services.deals_batch import check_gates
from l2o.services.leads import NewTouch, add_lead, log_touchpoint
from l2o.services.leads_batch import NewLead, add_leads
from l2o.store import SqlAlchemyUnitOfWork, upgrade

SPEC = Path(__file__).resolve().parent.parent / "examples" / "revenue-machine.yaml"
NOW = datetime(2025, 3, 3, 10, tzinfo=UTC)
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "BR"]
TITLES = ["Head of Data", "CFO", "Analyst", "VP Analytics", "Data Engineer"]
TOUCHES = ["pricing_page_visit", "webinar_attended", "content_download", "email_click"]
TARGETS = {"discovery": "solution_validation", "solution_validation": "business_case"}


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


def _new_leads(n: int, rng: random.Random, offset: int) -> list[NewLead]:
    """New leads 20 minutes apart (about 72 a day, near the pools' daily capacity), each
    arriving with two touchpoints of the minutes before."""
    leads = []
    for i in range(n):
        at = NOW + timedelta(minutes=20 * (offset + i))
        command = d.AddLead(
            at=at,
            email=f"lead{offset + i}@company{rng.randrange(500)}.example",
            title=rng.choice(TITLES),
            country=rng.choice(COUNTRIES),
        )
        touches = tuple(
            NewTouch(touch_type=rng.choice(TOUCHES), at=at - timedelta(minutes=k)) for k in (1, 2)
        )
        leads.append(NewLead(command, touches))
    return leads


def _batch_lead_rate(system: RevenueSystem, leads: list[NewLead], size: int) -> float:
    start = time.perf_counter()
    for first in range(0, len(leads), size):
        add_leads(system, leads[first : first + size])
    return len(leads) / (time.perf_counter() - start)


def _group_cost(system: RevenueSystem, leads: list[NewLead], size: int) -> float:
    """Process CPU milliseconds per ``add_leads`` call on groups of ``size`` leads."""
    groups = [leads[first : first + size] for first in range(0, len(leads), size)]
    start = time.process_time()
    for group in groups:
        add_leads(system, group)
    return (time.process_time() - start) * 1_000 / len(groups)


def _single_lead_rate(system: RevenueSystem, leads: list[NewLead]) -> float:
    start = time.perf_counter()
    for item in leads:
        add_lead(system, item.lead, touches=item.touches)
    return len(leads) / (time.perf_counter() - start)


def _logged_lead_rate(system: RevenueSystem, leads: list[NewLead]) -> float:
    """``add_lead``, then each touch logged after it (three transactions a lead)."""
    start = time.perf_counter()
    for item in leads:
        outcome = add_lead(system, item.lead)
        for k, touch in enumerate(item.touches, start=1):
            log_touchpoint(
                system,
                d.LogTouchpoint(
                    lead_id=outcome.lead_id,
                    touch_type=touch.touch_type,
                    at=item.lead.at + timedelta(seconds=k),
                ),
            )
    return len(leads) / (time.perf_counter() - start)


def _pure_lead_rate(system: RevenueSystem, leads: list[NewLead]) -> float:
    """The engine alone on the same leads, records made beforehand: fit and engagement,
    lifecycle stages, routing with the pool state carried (no account matches: the bench's
    company domains have no accounts)."""
    rules = system.rules
    records = [
        (
            d.Lead(created_at=item.lead.at, title=item.lead.title, country=item.lead.country),
            [d.Touchpoint(touch_type=t.touch_type, occurred_at=t.at) for t in item.touches],
            item.lead.at,
        )
        for item in leads
    ]
    state = PoolState()
    start = time.perf_counter()
    for lead, touches, at in records:
        derived = lead_derived_fields(lead, None)
        score = rules.scoring.score(lead, touches, as_of=at, derived=derived)
        derived["score"] = score.total
        rules.lead_stages.transitions(lead, touches, as_of=at, derived=derived, fit=score.fit)
        state = rules.routing.route(lead, account=None, state=state, at=at).state
    return len(records) / (time.perf_counter() - start)


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


def _gate_rate_batch(system: RevenueSystem, deal_ids: list[str], targets: dict[str, str]) -> float:
    commands = [
        d.ChangeOpportunityStage(opportunity_id=deal_id, to_stage=targets[deal_id], at=NOW)
        for deal_id in deal_ids
    ]
    start = time.perf_counter()
    check_gates(system, commands)
    return len(commands) / (time.perf_counter() - start)


def _gate_rate_pure(system: RevenueSystem, deal_ids: list[str]) -> float:
    """``StageGate.check`` alone on the same deals, loaded with their facts beforehand."""
    with system.unit_of_work() as uow:
        loaded = []
        for deal_id in deal_ids:
            deal = uow.opportunities.get(deal_id)
            related = gate_facts(uow, deal, system.spec)
            loaded.append((deal, related, deal_derived_fields(uow, deal, NOW)))
    gates = system.rules.gates
    start = time.perf_counter()
    for deal, related, derived in loaded:
        gates.check(deal, TARGETS[deal.stage], related=related, derived=derived)
    return len(loaded) / (time.perf_counter() - start)


def _targets(system: RevenueSystem, deal_ids: list[str]) -> dict[str, str]:
    with system.unit_of_work() as uow:
        return {i: TARGETS[uow.opportunities.get(i).stage] for i in deal_ids}


def main() -> None:
    """Run the benchmark and print the runs, the medians and (``--profile``) the hot spots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=300, help="leads one at a time, per run")
    parser.add_argument("--batch-leads", type=int, default=5_000, help="leads in batches, per run")
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--gates", type=int, default=2_000, help="gate checks one at a time")
    parser.add_argument("--batch-gates", type=int, default=20_000, help="deals checked at once")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--group-sizes",
        default="",
        help="comma-separated sizes of small groups through add_leads (e.g. 1,4,16)",
    )
    parser.add_argument("--group-leads", type=int, default=320, help="leads per group size")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.group_sizes.split(",") if size.strip()]
    group_ms: dict[int, list[float]] = {size: [] for size in sizes}

    rates: dict[str, list[float]] = {
        name: []
        for name in (
            "pure leads",
            "batch leads",
            "single leads",
            "logged leads",
            "pure gates",
            "batch gates",
            "gates per command",
            "gates one unit",
        )
    }
    with tempfile.TemporaryDirectory() as tmp:
        system = _system(Path(tmp))
        rng = random.Random(0)
        deal_ids = _seed_deals(system, args.batch_gates, rng)
        targets = _targets(system, deal_ids)
        offset = 0
        for run in range(args.runs):
            batch = _new_leads(args.batch_leads, rng, offset)
            singles = _new_leads(args.leads, rng, offset + args.batch_leads)
            logged = _new_leads(args.leads, rng, offset + args.batch_leads + args.leads)
            offset += args.batch_leads + 2 * args.leads
            rates["pure leads"].append(_pure_lead_rate(system, batch))
            rates["batch leads"].append(_batch_lead_rate(system, batch, args.batch_size))
            rates["single leads"].append(_single_lead_rate(system, singles))
            rates["logged leads"].append(_logged_lead_rate(system, logged))
            rates["pure gates"].append(_gate_rate_pure(system, deal_ids))
            rates["batch gates"].append(_gate_rate_batch(system, deal_ids, targets))
            rates["gates per command"].append(
                _gate_rate_per_command(system, deal_ids[: args.gates])
            )
            rates["gates one unit"].append(_gate_rate_one_unit(system, deal_ids[: args.gates]))
            for size in sizes:
                leads = _new_leads(args.group_leads - args.group_leads % size, rng, offset)
                offset += len(leads)
                group_ms[size].append(_group_cost(system, leads, size))
            print(f"run {run}: " + ", ".join(f"{k} {v[-1]:,.0f}/s" for k, v in rates.items()))
            if sizes:
                print("  groups: " + ", ".join(f"{n} {c[-1]:.2f} ms" for n, c in group_ms.items()))
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(_batch_lead_rate, system, _new_leads(1_000, rng, offset), 1_000)
            pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        system.engine.dispose()

    def ratio(name: str, pure: str) -> float:
        return statistics.median(r / p for r, p in zip(rates[name], rates[pure], strict=True))

    rows = [
        ("leads, batches of 1,000 (`add_leads`), 2 touchpoints each", "batch leads", "pure leads",
         "5,000/s"),
        ("leads one at a time (`add_lead` with its 2 touchpoints)", "single leads", "pure leads",
         ""),
        ("leads one at a time (`add_lead`, then 2 `log_touchpoint`)", "logged leads",
         "pure leads", ""),
        ("leads scored, staged and routed: pure rules (reference)", "pure leads", "pure leads",
         ""),
        ("gate checks, batch (`check_gates`)", "batch gates", "pure gates", "20,000/s"),
        ("gate checks, a unit of work each", "gates per command", "pure gates", ""),
        ("gate checks, one unit of work", "gates one unit", "pure gates", ""),
        ("gate checks: pure rules (reference)", "pure gates", "pure gates", ""),
    ]  # fmt: skip
    print(f"\nPython {platform.python_version()} on {platform.machine()}, SQLite")
    print("| measure | median rate | ratio to the pure rules (same run) | target |")
    print("|---|---:|---:|---:|")
    for label, name, pure, target in rows:
        print(
            f"| {label} | {statistics.median(rates[name]):,.0f}/s "
            f"| {ratio(name, pure):.2f} | {target} |"
        )
    if sizes:
        print("\n| leads a group (`add_leads`) | CPU a group (median) | CPU a lead | leads/s |")
        print("|---:|---:|---:|---:|")
        for size, costs in group_ms.items():
            cost = statistics.median(costs)
            print(f"| {size} | {cost:.2f} ms | {cost / size:.3f} ms | {size * 1_000 / cost:,.0f} |")


if __name__ == "__main__":
    main()
