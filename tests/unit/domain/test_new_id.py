"""Record ids: UUID version 7, unique, and ordered by when they were made."""

from __future__ import annotations

import time
import uuid
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from l2o.domain import base, new_id


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


@given(
    millisecond=st.integers(min_value=0, max_value=2**48 - 1),
    noise=st.binary(min_size=10, max_size=10),
)
def test_ids_are_the_canonical_text_of_the_uuid_they_encode(millisecond: int, noise: bytes) -> None:
    # Any clock reading and random bits: the text is what uuid.UUID prints for the same
    # 128 bits, those bits hold the millisecond, version 7 and the RFC 9562 variant, and
    # the random bits the version and variant leave free.
    with (
        patch.object(base.time, "time_ns", return_value=millisecond * 1_000_000 + 999_999),
        patch.object(base.os, "urandom", return_value=noise),
    ):
        text = new_id()
    parsed = uuid.UUID(text)
    assert str(parsed) == text
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert parsed.int >> 80 == millisecond
    free = ~(0xFFFF_FFFF_FFFF << 80) & ~(0xF << 76) & ~(0x3 << 62) & (2**128 - 1)
    assert parsed.int & free == int.from_bytes(noise, "big") & free


@given(
    earlier=st.integers(min_value=0, max_value=2**48 - 2),
    gap=st.integers(min_value=1, max_value=2**20),
    first=st.binary(min_size=10, max_size=10),
    second=st.binary(min_size=10, max_size=10),
)
def test_ids_of_a_later_millisecond_sort_after_as_text(
    earlier: int, gap: int, first: bytes, second: bytes
) -> None:
    later = min(earlier + gap, 2**48 - 1)
    made = []
    for millisecond, noise in ((earlier, first), (later, second)):
        with (
            patch.object(base.time, "time_ns", return_value=millisecond * 1_000_000),
            patch.object(base.os, "urandom", return_value=noise),
        ):
            made.append(new_id())
    assert made[0] < made[1]
