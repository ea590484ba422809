"""The worker's periodic jobs: find what became due, publish it to the outbox.

Each job is thin - the engine's pure rules decide, the job reads the records they need and
publishes one event per finding, in one transaction:

==========================  ==========================================  ======================
job                         rule                                        event
==========================  ==========================================  ======================
:func:`sla_breaches`        ``HandoffSlas.status`` (untouched leads)     ``LeadSlaBreached``
:func:`stalled_deals`       ``StageGates.stalled``                       ``OpportunityStalled``
:func:`renewal_windows`     ``LifecycleRules.renewals_due``              ``RenewalWindowReached``
:func:`notification_digests` notifications queued before this period    ``NotificationDigest``
==========================  ==========================================  ======================

A job may run as often as it likes, on one worker or several: each finding is published once.
SLA breaches and renewal windows get an outbox id derived from what was found (the lead, SLA
and clock start; the contract and window), so a second run finds the message already there
and two racing workers cannot both commit it; a stalled deal is stamped ``stalled_at`` (cleared
by its next stage move); a digest marks the notifications it carries delivered.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from l2o.domain import (
    ContractStatus,
    Event,
    LeadStatus,
    OpportunityType,
    OutboxMessage,
    OutboxStatus,
    as_utc,
    utc_now,
)
from l2o.engine import EngineRules, PlannedNotification, render
from l2o.errors import MigrationError, StoreError
from l2o.services.delivery import next_digest_at
from l2o.services.delivery_events import (
    LeadSlaBreached,
    NotificationDigest,
    NotificationQueued,
    OpportunityStalled,
    RenewalWindowReached,
)
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "TimerRun",
    "notification_digests",
    "publish_once",
    "queue_notification",
    "renewal_windows",
    "run_timers",
    "sla_breaches",
    "stalled_deals",
]

TIMER_SOURCE = "worker:timers"
_OUTBOX_KEYS = uuid.UUID("7c3f4a52-8d0e-4f61-9a7b-2b6f0c9e1d35")
_OPEN_LEADS = (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.MQL, LeadStatus.SQL)


@dataclass(frozen=True, slots=True)
class TimerRun:
    """What one job published, or why it published nothing."""

    job: str
    published: int
    note: str | None = None


def publish_once(uow: SqlAlchemyUnitOfWork, event: Event, key: str) -> bool:
    """Publish ``event`` unless the event of the same type and ``key`` already is.

    The message id is derived from the type and key, so the database refuses a second copy
    even from a worker racing this one.
    """
    message_id = str(uuid.uuid5(_OUTBOX_KEYS, f"{event.event_type}:{key}"))
    if uow.outbox.find(message_id) is not None:
        return False
    uow.outbox.add(
        OutboxMessage(id=message_id, event_type=event.event_type, payload=event.to_payload())
    )
    return True


def queue_notification(uow: SqlAlchemyUnitOfWork, planned: PlannedNotification) -> OutboxMessage:
    """Queue a workflow's notification for its recipients' next digest (caller's transaction)."""
    return uow.publish(NotificationQueued.of(planned))


def sla_breaches(uow: SqlAlchemyUnitOfWork, rules: EngineRules, now: datetime) -> int:
    """Publish ``LeadSlaBreached`` for each open, untouched lead past a hand-off SLA."""
    if not rules.slas.by_stage:
        return 0
    first_stage = rules.spec.signals.lead_stages[0].id if rules.spec.signals else None
    published = 0
    for status in _OPEN_LEADS:
        for lead in uow.leads.list(status=status, first_touch_at=None, merged_into_id=None):
            for stage in rules.slas.by_stage:
                entered = lead.created_at if stage == first_stage else None
                entered = getattr(lead, f"{stage}_at", None) or entered
                if entered is None:
                    continue
                for sla in rules.slas.status_of_lead(lead, stage, entered_at=entered, now=now):
                    if sla.state != "breached":
                        continue
                    clock = sla.clock
                    event = LeadSlaBreached(
                        lead_id=lead.id,
                        sla=clock.sla,
                        lead_stage=stage,
                        owner_id=lead.owner_id,
                        owner_role=clock.owner_role,
                        started_at=clock.started_at,
                        due_at=clock.due_at,
                        minutes_over=round(sla.minutes_over, 1),
                        escalate_to=clock.escalate_to,
                        reroute=sla.reroute,
                        reasons=tuple(reason.text for reason in sla.reasons),
                    )
                    key = f"{lead.id}:{clock.sla}:{clock.started_at.isoformat()}"
                    published += publish_once(uow, event, key)
    return published


def stalled_deals(uow: SqlAlchemyUnitOfWork, rules: EngineRules, now: datetime) -> int:
    """Flag open deals past their stage's stall limit (``stalled_at``) and publish each once."""
    deals = uow.opportunities.list(is_closed=False, stalled_at=None)
    published = 0
    for deal, check in rules.gates.stalled(deals, now):
        deal.stalled_at = as_utc(now)
        uow.publish(
            OpportunityStalled(
                opportunity_id=deal.id,
                pipeline=deal.pipeline,
                stage=check.stage,
                owner_id=deal.owner_id,
                days_in_stage=round(check.days_in_stage, 1),
                limit_days=check.limit,
                stage_entered_at=deal.stage_entered_at,
                reason=check.reason.text,
            )
        )
        published += 1
    return published


def renewal_windows(uow: SqlAlchemyUnitOfWork, rules: EngineRules, now: datetime) -> int:
    """Publish ``RenewalWindowReached`` once per active contract and renewal window reached."""
    if rules.lifecycle.renewal is None:
        return 0
    contracts = uow.contracts.list(status=ContractStatus.ACTIVE)
    renewed = {c.renewal_of_id for c in uow.contracts.list() if c.renewal_of_id}
    open_renewal_accounts = {
        deal.account_id
        for deal in uow.opportunities.list(
            is_closed=False, opportunity_type=OpportunityType.RENEWAL
        )
    }
    open_renewals = {c.id for c in contracts if c.account_id in open_renewal_accounts}
    due = rules.lifecycle.renewals_due(
        [c for c in contracts if c.id not in renewed],
        today=as_utc(now).date(),
        open_renewals=open_renewals,
    )
    published = 0
    for item in due:
        event = RenewalWindowReached(
            contract_id=item.contract_id,
            account_id=item.account_id,
            end_date=item.end_date,
            days_left=item.days_left,
            window_days=item.window_days,
            open_opportunity=item.open_opportunity,
            pipeline=item.pipeline,
            owner_role=item.owner_role,
            reason=render((item.reason,)),
        )
        published += publish_once(uow, event, f"{item.contract_id}:{item.window_days}")
    return published


def notification_digests(uow: SqlAlchemyUnitOfWork, now: datetime, every: timedelta) -> int:
    """Batch the notifications queued before the current digest period, one digest per
    recipient and channel, and mark them delivered."""
    period_start = next_digest_at(now, every) - every
    queued = [
        message
        for message in uow.outbox.list(
            event_type=NotificationQueued.__name__, status=OutboxStatus.PENDING
        )
        if as_utc(message.created_at) < period_start
    ]
    groups: dict[tuple[str, str], list[OutboxMessage]] = defaultdict(list)
    for message in queued:
        for recipient in message.payload.get("to", []):
            groups[(str(recipient), str(message.payload.get("channel", "in_app")))].append(message)
    published = 0
    for (recipient, channel), messages in sorted(groups.items()):
        digest = NotificationDigest(
            recipient=recipient,
            channel=channel,
            sent_at=as_utc(now),
            notifications=tuple(
                {"id": m.id, "queued_at": as_utc(m.created_at).isoformat(), **m.payload}
                for m in messages
            ),
        )
        key = f"{recipient}:{channel}:" + ",".join(sorted(m.id for m in messages))
        published += publish_once(uow, digest, key)
    for message in queued:
        message.mark_delivered(now)
    return published


def run_timers(
    engine: Engine,
    rules: EngineRules | None,
    *,
    digest_every: timedelta = timedelta(hours=1),
    now: datetime | None = None,
) -> list[TimerRun]:
    """Run every job once, each in its own transaction; without ``rules`` only digests run.

    A job that loses a race with another worker (the same finding committed first) or with a
    user editing the same deal publishes nothing this time; the next run sees the new state.
    """
    now = as_utc(now or utc_now())
    jobs: list[tuple[str, Callable[[SqlAlchemyUnitOfWork], int]]] = [
        ("notification_digests", lambda uow: notification_digests(uow, now, digest_every)),
    ]
    if rules is not None:
        jobs = [
            ("sla_breaches", lambda uow: sla_breaches(uow, rules, now)),
            ("stalled_deals", lambda uow: stalled_deals(uow, rules, now)),
            ("renewal_windows", lambda uow: renewal_windows(uow, rules, now)),
            *jobs,
        ]
    runs = []
    for name, job in jobs:
        try:
            with SqlAlchemyUnitOfWork(engine, source=TIMER_SOURCE) as uow:
                published = job(uow)
                uow.commit()
            runs.append(TimerRun(name, published))
        except MigrationError:
            raise
        except StoreError as exc:  # StaleRecord, or a finding another worker committed first
            runs.append(TimerRun(name, 0, f"skipped this run: {exc}"))
    return runs
