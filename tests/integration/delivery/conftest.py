"""Delivery fixtures: a migrated store on each backend, a loopback receiver, a movable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from delivery_receiver import Clock, Receiver, make_secret, running_receiver


@pytest.fixture
def clock() -> Clock:
    """A clock starting at the real time (outbox rows are stamped with the real time)."""
    return Clock(datetime.now(UTC))


@pytest.fixture
def secret() -> str:
    return make_secret()


@pytest.fixture
def receiver(secret: str) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1 verifying with ``secret``."""
    with running_receiver(secret) as running:
        yield running
