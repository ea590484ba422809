"""The worker: delivers the outbox as webhooks and runs the timers, until told to stop.

::

    run_worker(load_settings(), config=load_delivery_config("endpoints.yaml"), rules=rules)

Each turn runs the timers (when ``timer_seconds`` have passed) and then delivers every due
message; with nothing due it waits ``poll_seconds``. SIGTERM or SIGINT (or ``stop_event``)
stops it between two messages: a message being sent is finished and marked first, and a
worker killed harder than that only causes a re-send (see ``l2o.services.delivery``).
Without a delivery configuration messages stay in the outbox, untouched, until a worker
with one runs.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType

from l2o.domain import utc_now
from l2o.engine import EngineRules
from l2o.services.delivery import DeliveryAttempt, OutboxDelivery
from l2o.services.delivery_config import DeliveryConfig
from l2o.services.delivery_http import WebhookSender
from l2o.services.timers import TimerRun, run_timers
from l2o.settings import Settings
from l2o.store import engine_for

__all__ = ["WorkerReport", "run_worker"]

log = logging.getLogger("l2o.worker")

_BATCH = 100
_ONCE_LIMIT = 10_000


@dataclass
class WorkerReport:
    """What a worker did: outcomes by kind (``delivered``, ``retry``, ``dead``...) and timers."""

    outcomes: Counter[str] = field(default_factory=Counter)
    timers: Counter[str] = field(default_factory=Counter)
    turns: int = 0

    def note(self, attempts: list[DeliveryAttempt], runs: list[TimerRun]) -> None:
        """Add one turn's work."""
        self.turns += 1
        self.outcomes.update(attempt.outcome for attempt in attempts)
        for run in runs:
            self.timers[run.job] += run.published

    def summary(self) -> str:
        """One line: ``delivered 3, retry 1, dead 0; timers published 2``."""
        kinds = ("delivered", "dispatched", "retry", "dead", "deferred")
        parts = ", ".join(f"{kind} {self.outcomes[kind]}" for kind in kinds)
        return f"{parts}; timers published {sum(self.timers.values())}"


def run_worker(
    settings: Settings,
    *,
    once: bool = False,
    stop_event: threading.Event | None = None,
    config: DeliveryConfig | None = None,
    rules: EngineRules | None = None,
    sender: WebhookSender | None = None,
    clock: Callable[[], datetime] = utc_now,
    poll_seconds: float = 1.0,
    timer_seconds: float = 60.0,
) -> WorkerReport:
    """Deliver and run timers until stopped; with ``once``, one pass that drains what is due.

    ``config`` holds the webhook endpoints (``None``: deliver nothing), ``rules`` the compiled
    spec for the SLA, stall and renewal timers (``None``: digests only).
    """
    stop = stop_event or threading.Event()
    engine = engine_for(settings.database_url)
    outbox = OutboxDelivery(engine, config, sender=sender, clock=clock) if config else None
    if outbox is None:
        log.warning("no webhook endpoints configured: outbox messages stay pending")
    digest_every = config.digest_every if config else DeliveryConfig().digest_every
    report = WorkerReport()
    next_timers = 0.0
    try:
        with _stop_on_signals(stop, install=stop_event is None):
            while not stop.is_set():
                runs: list[TimerRun] = []
                if time.monotonic() >= next_timers:
                    runs = run_timers(engine, rules, digest_every=digest_every, now=clock())
                    next_timers = time.monotonic() + timer_seconds
                    for run in runs:
                        if run.published or run.note:
                            log.info(
                                "timer %s: %d published %s", run.job, run.published, run.note or ""
                            )
                attempts = _deliver(outbox, stop, _ONCE_LIMIT if once else _BATCH)
                report.note(attempts, runs)
                if once:
                    break
                if not attempts:
                    stop.wait(poll_seconds)
    finally:
        if outbox is not None and sender is None:
            outbox.sender.close()
        engine.dispose()
    log.info("worker stopped: %s", report.summary())
    return report


def _deliver(
    outbox: OutboxDelivery | None, stop: threading.Event, limit: int
) -> list[DeliveryAttempt]:
    attempts: list[DeliveryAttempt] = []
    if outbox is None:
        return attempts
    while len(attempts) < limit and not stop.is_set():
        attempt = outbox.deliver_next()
        if attempt is None:
            break
        attempts.append(attempt)
        level = logging.WARNING if attempt.outcome in ("retry", "dead") else logging.INFO
        log.log(level, "%s", attempt.describe())
    return attempts


@contextmanager
def _stop_on_signals(stop: threading.Event, *, install: bool) -> Iterator[None]:
    """Set ``stop`` on SIGTERM and SIGINT while inside (main thread only), then restore."""
    if not install or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _handler(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping after the current message", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
