"""Record ids: UUID version 7, unique, and ordered by when they were made."""

from __future__ import annotations

import time
import uuid

from l2o.domain import new_id


def test_ids_are_rfc_9562_version_7_uuids() -> None:
    for _ in range(200):
        parsed = uuid.UUID(new_id())
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122


def test_ids_carry_their_creation_time_and_sort_by_it() -> None:
    before = time.time_ns() // 1_000_000
    first = new_id()
    time.sleep(0.003)
    second = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= uuid.UUID(first).int >> 80 <= after
    assert first < second  # as text too: the store compares and indexes them as strings


def test_ids_are_unique_within_one_millisecond() -> None:
    ids = [new_id() for _ in range(50_000)]
    assert len(set(ids)) == len(ids)
