"""Customers after the sale: health scores, renewal deals at the spec's windows, and the
expansion and churn-risk signals their usage and support show.

::

    health = score_account_health(system, account_id, as_of=now)
    run = run_lifecycle(system, as_of=now)   # every active account, one transaction each
    run.to_json()   # {"accounts": 40, "health_changed": 12, "renewals_opened": 3, ...}

The engine decides (:func:`~l2o.engine.account_facts` and :class:`~l2o.engine.LifecycleRules`);
this reads the records it needs and applies the decisions, each account in one transaction
with its audit rows and outbox events:

- **Health**: the account's derived fields (contracts, usage records, support tickets) give
  its health score, stored on ``Account.health_score`` (audited like any edit). A change
  publishes ``AccountHealthChanged`` and fires the spec's ``health_changed`` workflows.
- **Renewals**: each active, not yet renewed contract inside a renewal window publishes
  ``RenewalWindowReached`` once per window and fires the ``renewal_window_reached``
  workflows. The first window reached opens the renewal deal: the spec's renewal pipeline,
  its first open stage, the contract's ARR, closing on the contract's end date, owned by the
  person holding the spec's renewal owner role on the account (the account owner if they
  hold it, else the holder covering the account's territory), else the account owner. The
  deal's id is derived from the contract's, so a contract gets one renewal deal, ever: a
  second run, or a second worker at the same moment, opens nothing.
- **Signals**: every expansion trigger and churn-risk signal that holds publishes
  ``AccountSignalRaised``; an expansion trigger naming a pipeline also gives the account owner
  a task to open a deal there. A signal that still holds is raised again at most once a
  calendar month (the outbox id is derived from the account, the signal and the month).
- **Onboarding** milestones are tasks made when the deal is won (:mod:`l2o.services.deals`),
  not here: one way to do it.

An *active* account is one not merged into another, with an active contract that has started.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from l2o.domain import (
    Account,
    AccountSignalRaised,
    Contract,
    ContractStatus,
    ForecastCategory,
    Opportunity,
    OpportunityType,
    User,
)
from l2o.domain.events import AccountHealthChanged, RenewalWindowReached
from l2o.engine import HealthScore, PlannedTask, RenewalDue, account_facts, render
from l2o.errors import StoreError
from l2o.services.bootstrap import RevenueSystem
from l2o.services.delivery import publish_once
from l2o.services.workflow_runs import apply_actions, run_workflows
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "AccountHealth",
    "AccountReview",
    "LifecycleRun",
    "RenewalWindow",
    "open_renewals",
    "renewal_opportunity_id",
    "review_account",
    "run_lifecycle",
    "score_account_health",
]

_RENEWAL_IDS = uuid.UUID("3b0e6f5e-2a51-4c1e-9f0d-6d1c2f8a7e42")


@dataclass(frozen=True, slots=True)
class AccountHealth:
    """An account's health as scored and stored: the engine's score, the previous value."""

    account_id: str
    health: HealthScore
    previous: float | None
    changed: bool
    facts: dict[str, Any]

    def to_json(self) -> dict[str, object]:
        """The health as JSON data, with the reasons behind it."""
        return {
            "account_id": self.account_id,
            "score": None if self.health.score is None else round(self.health.score, 1),
            "band": self.health.band,
            "coverage": round(self.health.coverage, 2),
            "previous": self.previous,
            "changed": self.changed,
            "reasons": [r.text for r in self.health.reasons],
        }


@dataclass(frozen=True, slots=True)
class RenewalWindow:
    """A renewal window newly reached, and the renewal deal opened with it (if any)."""

    due: RenewalDue
    opportunity_id: str | None


@dataclass(frozen=True, slots=True)
class AccountReview:
    """What one account's lifecycle review did: health, renewal windows, signals, tasks."""

    health: AccountHealth
    renewals: tuple[RenewalWindow, ...]
    expansion: tuple[str, ...]
    churn: tuple[str, ...]
    tasks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LifecycleRun:
    """Counts of what :func:`run_lifecycle` did over every active account."""

    accounts: int = 0
    health_scored: int = 0
    health_changed: int = 0
    renewal_windows: int = 0
    renewals_opened: int = 0
    expansion_signals: int = 0
    churn_risks: int = 0
    tasks: int = 0
    skipped: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The counts as JSON data."""
        data = dataclasses.asdict(self)
        data["skipped"] = list(self.skipped)
        return data


def renewal_opportunity_id(contract_id: str) -> str:
    """The id of the renewal deal of ``contract_id``: one per contract, whoever opens it."""
    return str(uuid.uuid5(_RENEWAL_IDS, contract_id))


def score_account_health(
    system: RevenueSystem,
    account_id: str,
    *,
    as_of: datetime | None = None,
    actor: str | None = None,
) -> AccountHealth:
    """Score and store one account's health, in one transaction (``RecordNotFound``)."""
    at = system.now(as_of)
    with system.unit_of_work(actor) as uow:
        account = uow.accounts.get(account_id)
        health = _score(uow, system, account, _contracts(uow, account.id), at)
        uow.commit()
    return health


def review_account(
    system: RevenueSystem,
    account_id: str,
    *,
    as_of: datetime | None = None,
    actor: str | None = None,
) -> AccountReview:
    """Health, renewal windows and signals of one account, in one transaction."""
    at = system.now(as_of)
    with system.unit_of_work(actor) as uow:
        review = _review(uow, system, uow.accounts.get(account_id), at)
        uow.commit()
    return review


def open_renewals(
    system: RevenueSystem, *, as_of: datetime | None = None, actor: str | None = None
) -> list[RenewalWindow]:
    """Every renewal window newly reached, with the renewal deals it opens, in one transaction.

    The worker's renewal-window timer; :func:`run_lifecycle` does the same account by account.
    """
    at = system.now(as_of)
    found: list[RenewalWindow] = []
    with system.unit_of_work(actor) as uow:
        for account_id in _active_accounts(uow, at):
            account = uow.accounts.get(account_id)
            if account.merged_into_id is None:
                found += _renewals(uow, system, account, _contracts(uow, account.id), at)
        uow.commit()
    return found


def run_lifecycle(
    system: RevenueSystem, *, as_of: datetime | None = None, actor: str | None = None
) -> LifecycleRun:
    """Review every active account (:func:`review_account`), each in its own transaction.

    An account whose transaction loses a race (another worker reviewed it first, or a person
    edited it meanwhile) is skipped this run and named in ``skipped``.
    """
    at = system.now(as_of)
    with system.unit_of_work(actor) as uow:
        account_ids = [
            account_id
            for account_id in _active_accounts(uow, at)
            if uow.accounts.get(account_id).merged_into_id is None
        ]
    counts = dict.fromkeys(
        (
            "health_scored",
            "health_changed",
            "renewal_windows",
            "renewals_opened",
            "expansion_signals",
            "churn_risks",
            "tasks",
        ),
        0,
    )
    skipped: list[str] = []
    for account_id in account_ids:
        try:
            review = review_account(system, account_id, as_of=at, actor=actor)
        except StoreError as exc:
            skipped.append(f"{account_id}: {exc}")
            continue
        counts["health_scored"] += review.health.health.score is not None
        counts["health_changed"] += review.health.changed
        counts["renewal_windows"] += len(review.renewals)
        counts["renewals_opened"] += sum(1 for r in review.renewals if r.opportunity_id)
        counts["expansion_signals"] += len(review.expansion)
        counts["churn_risks"] += len(review.churn)
        counts["tasks"] += len(review.tasks)
    return LifecycleRun(accounts=len(account_ids), skipped=tuple(skipped), **counts)


def _review(
    uow: SqlAlchemyUnitOfWork, system: RevenueSystem, account: Account, at: datetime
) -> AccountReview:
    contracts = _contracts(uow, account.id)
    health = _score(uow, system, account, contracts, at)
    rules = system.rules.lifecycle
    # ``changed`` tests compare with the account before this review: only its health moved.
    previous = {**account.custom_fields, **_stored(account), "health_score": health.previous}
    month = at.strftime("%Y-%m")
    expansion: list[str] = []
    tasks: list[str] = []
    for signal in rules.expansion_signals(account, derived=health.facts, previous=previous):
        event = AccountSignalRaised(
            account_id=account.id,
            kind="expansion",
            signal=signal.trigger,
            reason=signal.reason.text,
            raised_at=at,
        )
        if not publish_once(uow, event, f"{account.id}:expansion:{signal.trigger}:{month}"):
            continue
        expansion.append(signal.trigger)
        if signal.pipeline:
            task = PlannedTask(
                f"expansion.{signal.trigger}",
                f"Expansion: open a deal in {signal.pipeline} ({signal.reason.text})",
                f"user:{account.owner_id}" if account.owner_id else "owner:unassigned",
                at.date(),
                "account",
                account.id,
            )
            tasks += apply_actions(uow, (task,), account, at=at).tasks
    churn: list[str] = []
    for risk in rules.churn_risks(account, derived=health.facts, health=health.health):
        event = AccountSignalRaised(
            account_id=account.id,
            kind="churn_risk",
            signal=risk.signal,
            reason=risk.reason.text,
            raised_at=at,
            severity=risk.severity,
        )
        if publish_once(uow, event, f"{account.id}:churn_risk:{risk.signal}:{month}"):
            churn.append(risk.signal)
    renewals = _renewals(uow, system, account, contracts, at)
    return AccountReview(health, tuple(renewals), tuple(expansion), tuple(churn), tuple(tasks))


def _score(
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    account: Account,
    contracts: list[Contract],
    at: datetime,
) -> AccountHealth:
    facts = account_facts(
        account,
        contracts=contracts,
        usage=uow.usage.list(account_id=account.id),
        tickets=uow.support_tickets.list(account_id=account.id),
        as_of=at,
    )
    health = system.rules.lifecycle.health_score(account, derived=facts)
    previous = account.health_score
    score = None if health.score is None else round(health.score, 1)
    changed = score != previous
    if changed:
        account.health_score = score
        uow.publish(
            AccountHealthChanged(
                account_id=account.id,
                score=score,
                previous=previous,
                band=health.band,
                coverage=round(health.coverage, 2),
                reasons=tuple(r.text for r in health.reasons),
                scored_at=at,
            )
        )
        run_workflows(
            uow,
            system.rules,
            "account",
            "health_changed",
            account,
            at=at,
            derived=facts,
            previous={"health_score": previous},
            changed_fields={"health_score"},
        )
    return AccountHealth(account.id, health, previous, changed, facts)


def _renewals(
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    account: Account,
    contracts: Iterable[Contract],
    at: datetime,
) -> list[RenewalWindow]:
    rules = system.rules.lifecycle
    if rules.renewal is None:
        return []
    own = list(contracts)
    renewed = {c.renewal_of_id for c in own if c.renewal_of_id}
    candidates = [c for c in own if c.id not in renewed]
    opened = {
        c.id for c in candidates if uow.opportunities.find(renewal_opportunity_id(c.id)) is not None
    }
    found: list[RenewalWindow] = []
    by_id = {c.id: c for c in candidates}
    for due in rules.renewals_due(candidates, today=at.date(), open_renewals=opened):
        deal_id = None
        if due.open_opportunity and due.pipeline:
            deal_id = _open_renewal(uow, system, account, by_id[due.contract_id], due, at).id
        event = RenewalWindowReached(
            contract_id=due.contract_id,
            account_id=due.account_id,
            end_date=due.end_date,
            days_left=due.days_left,
            window_days=due.window_days,
            open_opportunity=due.open_opportunity,
            pipeline=due.pipeline,
            owner_role=due.owner_role,
            reason=render((due.reason,)),
            opportunity_id=deal_id,
        )
        if publish_once(uow, event, f"{due.contract_id}:{due.window_days}"):
            run_workflows(uow, system.rules, "account", "renewal_window_reached", account, at=at)
        elif deal_id is None:
            continue
        found.append(RenewalWindow(due, deal_id))
    return found


def _open_renewal(
    uow: SqlAlchemyUnitOfWork,
    system: RevenueSystem,
    account: Account,
    contract: Contract,
    due: RenewalDue,
    at: datetime,
) -> Opportunity:
    assert due.pipeline is not None
    pipeline = system.rules.gates.for_pipeline(due.pipeline).pipeline
    stage = next(s for s in pipeline.stages if s.outcome == "open")
    return uow.opportunities.add(
        Opportunity(
            id=renewal_opportunity_id(contract.id),
            name=f"{account.name} renewal {contract.end_date.isoformat()}",
            account_id=account.id,
            owner_id=_renewal_owner(uow, account, due.owner_role),
            pipeline=pipeline.id,
            stage=stage.id,
            stage_entered_at=at,
            amount=contract.arr,
            currency=contract.currency,
            close_date=contract.end_date,
            probability=Decimal(stage.probability),
            forecast_category=ForecastCategory(stage.forecast_category),
            opportunity_type=OpportunityType.RENEWAL,
            created_at=at,
        )
    )


def _renewal_owner(uow: SqlAlchemyUnitOfWork, account: Account, role: str) -> str | None:
    owner: User | None = uow.users.find(account.owner_id) if account.owner_id else None
    if owner is not None and owner.holds(role):
        return owner.id
    if account.territory_id:
        for user in uow.users.list(territory_id=account.territory_id, active=True):
            if user.holds(role):
                return user.id
    return account.owner_id


def _contracts(uow: SqlAlchemyUnitOfWork, account_id: str) -> list[Contract]:
    return uow.contracts.list(account_id=account_id)


def _active_accounts(uow: SqlAlchemyUnitOfWork, at: datetime) -> list[str]:
    """Accounts with an active contract that has started, in id order."""
    today = at.date()
    contracts = uow.contracts.list(status=ContractStatus.ACTIVE)
    return sorted({c.account_id for c in contracts if c.start_date <= today})


def _stored(account: Account) -> dict[str, Any]:
    return {
        f.name: getattr(account, f.name)
        for f in dataclasses.fields(account)
        if f.name != "custom_fields"
    }
