"""The worker's periodic jobs: find what became due and hand it to the service that acts on it.

Each job is thin - the engine's pure rules decide, the services act, each finding in a
transaction with its audit rows and outbox events:

==========================  ==========================================  ==========================
job                         what it does                                event
==========================  ==========================================  ==========================
:func:`sla_breaches`        ``HandoffSlas.status`` of untouched leads;   ``LeadSlaBreached``,
                            a breach asking for it is re-routed          ``LeadRouted``
                            (``leads.route_lead``, late owner excluded)
:func:`stalled_deals`       ``deals.flag_stalled``                       ``OpportunityStalled``
:func:`renewal_windows`     ``lifecycle.open_renewals``                  ``RenewalWindowReached``
:func:`notification_digests` notifications queued before this period    ``NotificationDigest``
==========================  ==========================================  ==========================

A job may run as often as it likes, on one worker or several: each finding is acted on once.
An SLA breach gets an outbox id derived from the lead, SLA and clock start, published in the
same transaction as its re-route, so a second run finds it there and two racing workers
cannot both commit it; a stalled deal is stamped ``stalled_at`` (cleared by its next stage
move); a renewal window is published once per contract and window, and a contract gets one
renewal deal; a digest marks the notifications it carries delivered. Breaches also fire the
spec's ``sla_breached`` workflows, stalls the ``stalled`` ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from l2o.domain import LeadStatus, OutboxMessage, OutboxStatus, RouteLead, as_utc, utc_now
from l2o.domain.events import LeadSlaBreached
from l2o.engine import EngineRules, PlannedNotification
from l2o.errors import MigrationError, StoreError
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import flag_stalled
from l2o.services.delivery import next_digest_at, publish_once
from l2o.services.delivery_events import NotificationDigest, NotificationQueued
from l2o.services.errors import CommandRefused
from l2o.services.leads import route_lead
from l2o.services.lifecycle import open_renewals
from l2o.services.workflow_runs import run_workflows
from l2o.store import SqlAlchemyUnitOfWork

__all__ = [
    "TimerRun",
    "notification_digests",
    "queue_notification",
    "renewal_windows",
    "run_timers",
    "sla_breaches",
    "stalled_deals",
]

TIMER_SOURCE = "worker:timers"
_OPEN_LEADS = (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.MQL, LeadStatus.SQL)


@dataclass(frozen=True, slots=True)
class TimerRun:
    """What one job published, or why it published nothing."""

    job: str
    published: int
    note: str | None = None


def queue_notification(uow: SqlAlchemyUnitOfWork, planned: PlannedNotification) -> OutboxMessage:
    """Queue a workflow's notification for its recipients' next digest (caller's transaction)."""
    return uow.publish(NotificationQueued.of(planned))


def sla_breaches(system: RevenueSystem, now: datetime) -> int:
    """Publish ``LeadSlaBreached`` once for each open, untouched lead past a hand-off SLA;
    a breach asking for a re-route is routed again without the late owner, in the same
    transaction. A re-route the routing refuses (e.g. a pool names no stored user) leaves
    the breach published for a person."""
    rules = system.rules
    if not rules.slas.by_stage:
        return 0
    first_stage = rules.spec.signals.lead_stages[0].id if rules.spec.signals else None
    found: list[tuple[LeadSlaBreached, str]] = []
    with system.unit_of_work() as uow:
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
                        found.append(
                            (event, f"{lead.id}:{clock.sla}:{clock.started_at.isoformat()}")
                        )
    published = 0
    for event, key in found:

        def breach_once(
            uow: SqlAlchemyUnitOfWork, event: LeadSlaBreached = event, key: str = key
        ) -> bool:
            if not publish_once(uow, event, key):
                return False
            lead = uow.leads.get(event.lead_id)
            run_workflows(uow, rules, "lead", "sla_breached", lead, at=now)
            return True

        if event.reroute:
            command = RouteLead(
                lead_id=event.lead_id,
                at=now,
                exclude=(event.owner_id,) if event.owner_id else (),
                trigger="reroute",
            )
            try:
                published += route_lead(system, command, only_if=breach_once) is not None
                continue
            except CommandRefused:
                pass  # published below without the re-route, for the escalation role
        with system.unit_of_work() as uow:
            new = breach_once(uow)
            uow.commit()
        published += new
    return published


def stalled_deals(system: RevenueSystem, now: datetime) -> int:
    """Flag open deals past their stage's stall limit through ``deals.flag_stalled``; the
    count of deals flagged this run."""
    return sum(flag.new for flag in flag_stalled(system, now=now))


def renewal_windows(system: RevenueSystem, now: datetime) -> int:
    """Renewal windows reached (and renewal deals opened) through
    ``lifecycle.open_renewals``; the count of windows acted on this run."""
    return len(open_renewals(system, as_of=now))


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
    """Run every job once, each finding in its own transaction; without ``rules`` only
    digests run.

    A job that loses a race with another worker (the same finding committed first) or with a
    user editing the same deal publishes nothing this time; the next run sees the new state.
    """
    now = as_utc(now or utc_now())
    jobs: list[tuple[str, Callable[[], int]]] = [
        (
            "notification_digests",
            lambda: _in_transaction(engine, notification_digests, now, digest_every),
        ),
    ]
    if rules is not None:
        system = RevenueSystem(rules, engine, clock=lambda: now, source=TIMER_SOURCE)
        jobs = [
            ("sla_breaches", lambda: sla_breaches(system, now)),
            ("stalled_deals", lambda: stalled_deals(system, now)),
            ("renewal_windows", lambda: renewal_windows(system, now)),
            *jobs,
        ]
    runs = []
    for name, job in jobs:
        try:
            runs.append(TimerRun(name, job()))
        except MigrationError:
            raise
        except StoreError as exc:  # StaleRecord, or a finding another worker committed first
            runs.append(TimerRun(name, 0, f"skipped this run: {exc}"))
    return runs


def _in_transaction(
    engine: Engine,
    job: Callable[[SqlAlchemyUnitOfWork, datetime, timedelta], int],
    now: datetime,
    every: timedelta,
) -> int:
    with SqlAlchemyUnitOfWork(engine, source=TIMER_SOURCE) as uow:
        published = job(uow, now, every)
        uow.commit()
    return published
