"""The worker loop: runs until its stop event is set, finishing the message in hand."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from delivery_receiver import Receiver, endpoint_config
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.entrypoints.worker import WorkerReport, run_worker
from l2o.settings import Settings
from l2o.store import SqlAlchemyUnitOfWork


def test_the_worker_delivers_until_stopped(
    engine: Engine, database_url: str, receiver: Receiver, secret: str
) -> None:
    stop = threading.Event()
    reports: list[WorkerReport] = []
    config = endpoint_config(receiver, secret)
    thread = threading.Thread(
        target=lambda: reports.append(
            run_worker(
                Settings(database_url=database_url),
                stop_event=stop,
                config=config,
                poll_seconds=0.05,
            )
        )
    )
    thread.start()
    try:
        with SqlAlchemyUnitOfWork(engine) as uow:
            event = uow.publish(
                d.LeadConverted(
                    lead_id="l-1",
                    contact_id="c-1",
                    account_id="a-1",
                    opportunity_id=None,
                    converted_at=datetime(2025, 3, 3, tzinfo=UTC),
                )
            )
            uow.commit()
        deadline = time.monotonic() + 20
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()
    assert receiver.ids() == [event.id]
    [report] = reports
    assert report.outcomes["delivered"] == 1
    assert report.turns >= 1
