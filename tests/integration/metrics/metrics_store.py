"""A small hand-built store for the metrics tests, and the records it holds.

Deals walk discovery > qualification > proposal and end won, lost or still open; each move
records the amount and expected close at that moment (the final amount differs, so a
metric that read today's amount for a past day would be caught). Leads, contracts and
campaigns round it off. The tests recompute every metric from these records in plain
Python, independently of the Ibis code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from l2o import domain as d
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade

STAGES = ("discovery", "qualification", "proposal")
WON, LOST = "closed_won", "closed_lost"


@dataclass
class Book:
    """Every record seeded, for the tests' own computations."""

    users: list[d.User] = field(default_factory=list)
    accounts: list[d.Account] = field(default_factory=list)
    deals: list[d.Opportunity] = field(default_factory=list)
    moves: list[d.StageChange] = field(default_factory=list)
    edits: list[d.OpportunityFieldChange] = field(default_factory=list)
    leads: list[d.Lead] = field(default_factory=list)
    contracts: list[d.Contract] = field(default_factory=list)
    campaigns: list[d.Campaign] = field(default_factory=list)

    def segment_of(self, account_id: str | None) -> str:
        for a in self.accounts:
            if a.id == account_id:
                return a.segment or "(none)"
        return "(none)"


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def build_store(url: str, *, seed: int = 3, budgets: bool = True) -> Book:
    """Seed the store at ``url`` (migrated here) and return what was written."""
    rng = random.Random(seed)
    book = Book()
    book.users = [
        d.User(name=f"Rep {i}", email=f"rep{i}@example.com", role=d.UserRole.AE) for i in range(3)
    ]
    book.accounts = [
        d.Account(name=f"Acct {i}", segment=("enterprise", "smb", None)[i % 3]) for i in range(9)
    ]
    start = date(2024, 1, 1)
    for i in range(70):
        created = start + timedelta(days=rng.randrange(0, 330))
        deal = d.Opportunity(
            name=f"Deal {i}",
            account_id=rng.choice(book.accounts).id,
            owner_id=rng.choice(book.users).id if i % 7 else None,
            stage=STAGES[0],
            created_at=at(created),
            opportunity_type=(
                d.OpportunityType.EXPANSION if i % 5 == 0 else d.OpportunityType.NEW_BUSINESS
            ),
            lead_source=rng.choice(["Referral", "Web", None]),
        )
        amount = Decimal(rng.randrange(5, 80) * 1000)
        close = created + timedelta(days=60)
        when = created
        stage = None
        for s in STAGES:
            book.moves.append(
                d.StageChange(
                    opportunity_id=deal.id,
                    from_stage=stage,
                    to_stage=s,
                    changed_at=at(when),
                    amount=amount,
                    close_date=close,
                )
            )
            stage = s
            if rng.random() < 0.25:
                break
            when += timedelta(days=rng.randrange(5, 30))
            amount += Decimal(1000)
            if rng.random() < 0.3:  # a slipped close date, recorded as a field edit
                close += timedelta(days=20)
                book.edits.append(
                    d.OpportunityFieldChange(
                        opportunity_id=deal.id,
                        field="close_date",
                        old_value=(close - timedelta(days=20)).isoformat(),
                        new_value=close.isoformat(),
                        changed_at=at(when, 9),
                    )
                )
        end = when + timedelta(days=rng.randrange(3, 40))
        if end < date(2025, 1, 31) and rng.random() < 0.85:
            won = stage == STAGES[-1] and rng.random() < 0.6
            final = WON if won else LOST
            book.moves.append(
                d.StageChange(
                    opportunity_id=deal.id,
                    from_stage=stage,
                    to_stage=final,
                    changed_at=at(end, 15),
                    amount=amount,
                    close_date=end,
                )
            )
            deal.stage, deal.is_closed, deal.is_won = final, True, won
            deal.closed_at = at(end, 15)
            deal.amount = amount + Decimal(500)  # the final amount differs from any move's
        else:
            deal.stage, deal.amount = stage, amount + Decimal(700)
        deal.close_date = close
        book.deals.append(deal)
    for i in range(90):
        created = start + timedelta(days=rng.randrange(0, 360))
        lead = d.Lead(
            last_name=f"L{i}",
            company=book.accounts[i % 9].name,
            lead_source=rng.choice(["Referral", "Web"]),
            owner_id=book.users[i % 3].id,
            created_at=at(created, 8),
        )
        if rng.random() < 0.85:
            lead.first_touch_at = at(created, 8) + timedelta(minutes=rng.randrange(5, 4000))
        if rng.random() < 0.6:
            lead.mql_at = at(created + timedelta(days=rng.randrange(1, 20)))
            if rng.random() < 0.6:
                lead.sql_at = lead.mql_at + timedelta(days=rng.randrange(1, 20))
                if rng.random() < 0.7:
                    lead.converted_at = lead.sql_at + timedelta(days=1)
                    lead.converted_opportunity_id = book.deals[i % 70].id
        book.leads.append(lead)
    for i, account in enumerate(book.accounts):
        arr = Decimal(10000 * (i + 1))
        first = d.Contract(
            account_id=account.id,
            contract_type=d.ContractType.NEW,
            start_date=date(2023, 7, 1),
            end_date=date(2024, 6, 30),
            arr=arr,
            created_at=at(date(2023, 6, 20)),
        )
        book.contracts.append(first)
        if i % 4 == 3:
            continue  # churns at the end of its term
        book.contracts.append(
            d.Contract(
                account_id=account.id,
                renewal_of_id=first.id,
                contract_type=d.ContractType.RENEWAL,
                start_date=date(2024, 7, 1),
                end_date=date(2025, 6, 30),
                arr=arr * Decimal("0.9") if i % 3 == 1 else arr,
                created_at=at(date(2024, 6, 25)),
            )
        )
        if i % 3 == 0:
            book.contracts.append(
                d.Contract(
                    account_id=account.id,
                    parent_contract_id=first.id,
                    contract_type=d.ContractType.EXPANSION,
                    start_date=date(2024, 9, 1),
                    end_date=date(2025, 6, 30),
                    arr=Decimal(5000),
                    created_at=at(date(2024, 8, 25)),
                )
            )
    book.contracts.append(
        d.Contract(
            account_id=book.accounts[0].id,
            contract_type=d.ContractType.NEW,
            start_date=date(2024, 3, 1),
            end_date=date(2025, 2, 28),
            arr=Decimal(24000),
            created_at=at(date(2024, 2, 20)),
        )
    )
    book.campaigns = [
        d.Campaign(
            name=f"Campaign {i}",
            start_date=date(2024, 2 + 3 * i, 1),
            budget=Decimal(15000 * (i + 1)) if budgets else None,
            created_at=at(date(2024, 1, 5)),
        )
        for i in range(3)
    ]
    engine = engine_for(url)
    upgrade(engine)
    with SqlAlchemyUnitOfWork(engine, actor=None, source="test") as uow:
        for record in (
            *book.users,
            *book.accounts,
            *book.deals,
            *book.moves,
            *book.edits,
            *book.leads,
            *book.contracts,
            *book.campaigns,
        ):
            uow.session.add(record)
        uow.commit()
    engine.dispose()
    return book
