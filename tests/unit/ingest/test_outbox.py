"""The converting process's outbox: in order, memory first, then a file; bounded both ways."""

from __future__ import annotations

import threading
import time

import pytest

from l2o.ingest.outbox import Outbox, OutboxClosed


def test_messages_come_out_in_order_from_memory_and_file_alike() -> None:
    outbox = Outbox(memory_bytes=10, spill_bytes=1_000)
    messages = [b"aaaa", b"bbbb", b"", b"cccc", b"dddddddddddd", None]
    for message in messages:
        outbox.put(message)
    assert outbox.spilled_bytes == len(b"cccc" + b"dddddddddddd")  # past the first 10 bytes
    # Taking some frees memory, but later messages still queue behind the file.
    assert outbox.get() == b"aaaa"
    outbox.put(b"eeee")
    assert [outbox.get() for _ in range(6)] == [*messages[1:], b"eeee"]
    # The file read to its end is emptied: memory takes the next messages again.
    assert outbox.spilled_bytes == 0
    outbox.put(b"ffff")
    assert outbox.spilled_bytes == 0
    assert outbox.get() == b"ffff"


def test_a_full_outbox_waits_for_the_receiver_and_a_closed_one_refuses() -> None:
    outbox = Outbox(memory_bytes=4, spill_bytes=4)
    outbox.put(b"1234")
    outbox.put(b"5678")  # to the file
    done = threading.Event()

    def put_third() -> None:
        outbox.put(b"9")
        done.set()

    putting = threading.Thread(target=put_third)
    putting.start()
    time.sleep(0.05)
    assert not done.is_set()  # memory and file are full
    assert outbox.get() == b"1234"
    assert outbox.get() == b"5678"
    putting.join(timeout=5)
    assert done.is_set()
    assert outbox.get() == b"9"
    # One message larger than both limits still goes, once the rest have been sent.
    outbox.put(b"x" * 100)
    assert outbox.get() == b"x" * 100
    outbox.close()
    with pytest.raises(OutboxClosed):
        outbox.put(b"late")


def test_without_a_file_the_outbox_holds_only_memory() -> None:
    outbox = Outbox(memory_bytes=8)
    outbox.put(b"12345678")
    blocked = threading.Thread(target=outbox.put, args=(b"9",))
    blocked.start()
    time.sleep(0.05)
    assert blocked.is_alive()
    assert outbox.get() == b"12345678"
    blocked.join(timeout=5)
    assert outbox.get() == b"9"
    assert outbox.spilled_bytes == 0
