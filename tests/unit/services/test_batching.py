"""Ids made many at a time are the ids ``new_id`` makes one at a time."""

from __future__ import annotations

import time
import uuid
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from l2o.domain import base, new_id
from l2o.services.batching import IdSupply, new_ids


def test_batch_ids_have_the_layout_of_single_ids() -> None:
    single = uuid.UUID(new_id())
    for text in new_ids(500):
        parsed = uuid.UUID(text)
        assert str(parsed) == text  # canonical: lower-case hex, dashes where uuid puts them
        assert (parsed.version, parsed.variant) == (single.version, single.variant)


def test_batch_ids_carry_the_time_they_were_made() -> None:
    before = time.time_ns() // 1_000_000
    ids = new_ids(100)
    after = time.time_ns() // 1_000_000
    assert all(before <= uuid.UUID(i).int >> 80 <= after for i in ids)
    time.sleep(0.003)
    later = new_id()
    time.sleep(0.003)
    assert max(ids) < later < min(new_ids(10))  # later ids sort after, as text too


def test_batch_ids_are_unique() -> None:
    ids = new_ids(50_000) + new_ids(50_000)
    assert len(set(ids)) == len(ids)
    assert new_ids(0) == []


def test_an_id_supply_never_hands_out_an_id_twice_across_lots() -> None:
    supply = IdSupply(lot=7)
    ids = [supply.take() for _ in range(100)]
    assert len(set(ids)) == 100
    assert all(uuid.UUID(i).version == 7 for i in ids)


@given(
    millisecond=st.integers(min_value=0, max_value=2**48 - 1),
    noise=st.lists(st.binary(min_size=10, max_size=10), min_size=1, max_size=5),
)
def test_batch_ids_are_the_ids_new_id_makes_from_the_same_clock_and_random_bits(
    millisecond: int, noise: list[bytes]
) -> None:
    with patch.object(base.time, "time_ns", return_value=millisecond * 1_000_000):
        with patch.object(base.os, "urandom", return_value=b"".join(noise)):
            made = new_ids(len(noise))
        one_at_a_time = []
        for bits in noise:
            with patch.object(base.os, "urandom", return_value=bits):
                one_at_a_time.append(new_id())
    assert made == one_at_a_time
    assert all(str(uuid.UUID(text)) == text for text in made)
