"""Messages waiting to be sent, in order: the first ones in memory, the rest in a file.

The converting process (``l2o.ingest.convert_process``) works ahead of the writer. While
the writer is busy - deduplicating a file, writing a large one - the converter can go on
converting the next files, if what it made can wait somewhere: ``Outbox`` keeps up to
``memory_bytes`` of waiting messages in memory, and the ones after them in a temporary
file, up to ``spill_bytes``; only past that does ``put`` wait for the writer. So the
process's memory stays bounded however far ahead it is. Messages come out of ``get`` in
the order they were put, whichever holds them; the file is emptied once it has been read
to its end.

::

    outbox = Outbox(64 << 20, 4 << 30)
    outbox.put(b"...")      # converting thread
    outbox.get()            # sending thread: b"..."
"""

from __future__ import annotations

import struct
import tempfile
import threading
from collections import deque
from typing import IO

__all__ = ["Outbox", "OutboxClosed"]

_LENGTH = struct.Struct("<Q")


class OutboxClosed(Exception):
    """The outbox was closed: nothing more will be sent."""


class Outbox:
    """Messages (``bytes``; ``None`` for the end) waiting to be sent, first in, first out."""

    def __init__(self, memory_bytes: int, spill_bytes: int = 0) -> None:
        self.memory_bytes = memory_bytes
        self.spill_bytes = spill_bytes
        self._memory: deque[bytes | None] = deque()
        self._in_memory = 0
        self._spill: IO[bytes] | None = None
        self._in_file = 0  # messages written to the file and not read back yet
        self._spilled = 0  # their bytes
        self._read_at = 0
        self._write_at = 0
        self._changed = threading.Condition()
        self.closed = False

    def put(self, message: bytes | None) -> None:
        """Add ``message``; wait while memory and file are both full (one message, however
        large, always fits)."""
        size = len(message or b"")
        with self._changed:
            while not self.closed and not self._fits(size):
                self._changed.wait()
            if self.closed:
                raise OutboxClosed
            if self._in_file or (self._memory and self._in_memory + size > self.memory_bytes):
                self._write(message)
            else:
                self._memory.append(message)
                self._in_memory += size
            self._changed.notify_all()

    def get(self) -> bytes | None:
        """The oldest message, waiting for one if there is none."""
        with self._changed:
            while not self._memory and not self._in_file:
                self._changed.wait()
            if self._memory:
                message = self._memory.popleft()
                self._in_memory -= len(message or b"")
            else:
                message = self._read()
            self._changed.notify_all()
            return message

    def close(self) -> None:
        """Refuse further messages (the receiver is gone) and drop the file."""
        with self._changed:
            self.closed = True
            if self._spill is not None:
                self._spill.close()
                self._spill = None
            self._changed.notify_all()

    @property
    def spilled_bytes(self) -> int:
        """Bytes of messages waiting in the file."""
        return self._spilled

    def _fits(self, size: int) -> bool:
        if not self._memory and not self._in_file:
            return True
        if not self._in_file and self._in_memory + size <= self.memory_bytes:
            return True
        return self._spilled + size <= self.spill_bytes

    def _write(self, message: bytes | None) -> None:
        if self._spill is None:
            # Lives as long as the outbox (closed by ``close``); unlinked from the start.
            self._spill = tempfile.TemporaryFile(prefix="l2o-converted-")  # noqa: SIM115
        body = b"\x00" if message is None else b"\x01" + message
        self._spill.seek(self._write_at)
        self._spill.write(_LENGTH.pack(len(body)))
        self._spill.write(body)
        self._write_at = self._spill.tell()
        self._in_file += 1
        self._spilled += len(message or b"")

    def _read(self) -> bytes | None:
        assert self._spill is not None
        self._spill.seek(self._read_at)
        (length,) = _LENGTH.unpack(self._spill.read(_LENGTH.size))
        body = self._spill.read(length)
        self._read_at = self._spill.tell()
        message = None if body == b"\x00" else body[1:]
        self._in_file -= 1
        self._spilled -= len(message or b"")
        if not self._in_file:  # read to its end: start the file again
            self._spill.truncate(0)
            self._read_at = self._write_at = 0
        return message
