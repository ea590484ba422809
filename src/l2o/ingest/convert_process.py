"""The second process of :func:`l2o.ingest.converted_files`: converts a batch's files ahead.

Run as ``python -m l2o.ingest.convert_process FD``: reads its job (adapter, files, text
limits, rows per part, the files whose records are all new) pickled from standard input,
and sends down the pipe ``FD`` each file's rows in parts, as ``(file index, RowChunk)`` (an
``InsertChunk`` for a file of new records), then ``(file index, None)`` at the
file's end - or ``("failed", traceback)`` if converting failed. A thread sends, so
converting runs up to ``AHEAD_BYTES`` of pickled parts ahead of the writer. A writer that
stops closes its end of the pipe, and the next send ends this process.
"""

from __future__ import annotations

import gc
import pickle
import signal
import sys
import threading
import traceback
from collections import deque
from contextlib import suppress
from multiprocessing.connection import Connection

from l2o.ingest.ahead import FAILED, file_chunks

#: Converted chunks (pickled) waiting to be sent, in bytes: how far this process may work
#: ahead of the writer - about 120,000 leads, converted while the writer dedupes the file
#: before - bounded so that this process stays a few hundred MiB beside the writer.
AHEAD_BYTES = 64 << 20


def main(pipe: int) -> None:
    """Convert the job read from standard input; send its chunks down ``pipe``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the writer decides when to stop
    # A sent chunk's rows are garbage without cycles: the cycle collector would only walk
    # the chunk being built again and again.
    gc.disable()
    sender = Connection(pipe, readable=False)
    # Sending waits for the writer to read; a thread does it, so converting goes on.
    outbox = _Outbox(AHEAD_BYTES)
    sending = threading.Thread(target=_send_all, args=(outbox, sender), daemon=True)
    sending.start()
    try:
        adapter, files, text_limits, chunk_rows, new_files = pickle.load(sys.stdin.buffer)
        for index, source_file in enumerate(files):
            chunks = file_chunks(
                adapter,
                source_file,
                text_limits,
                chunk_rows,
                new_records=source_file in new_files,
            )
            for chunk in chunks:
                outbox.put(pickle.dumps((index, chunk), pickle.HIGHEST_PROTOCOL))
            outbox.put(pickle.dumps((index, None)))
    except _WriterStopped:
        return
    except BaseException:
        with suppress(_WriterStopped):
            outbox.put(pickle.dumps((FAILED, traceback.format_exc())))
    with suppress(_WriterStopped):
        outbox.put(None)
    sending.join()


class _WriterStopped(Exception):
    """The writer closed its end of the pipe."""


class _Outbox:
    """Messages waiting to be sent, up to ``limit`` bytes of them (one, however large)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._messages: deque[bytes | None] = deque()
        self._bytes = 0
        self._changed = threading.Condition()
        self.closed = False

    def put(self, message: bytes | None) -> None:
        size = len(message or b"")
        with self._changed:
            while self._messages and self._bytes + size > self.limit and not self.closed:
                self._changed.wait()
            if self.closed:
                raise _WriterStopped
            self._messages.append(message)
            self._bytes += size
            self._changed.notify_all()

    def get(self) -> bytes | None:
        with self._changed:
            while not self._messages:
                self._changed.wait()
            message = self._messages.popleft()
            self._bytes -= len(message or b"")
            self._changed.notify_all()
            return message

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def _send_all(outbox: _Outbox, sender: Connection) -> None:
    try:
        while (message := outbox.get()) is not None:
            sender.send_bytes(message)
    except OSError:
        outbox.close()  # the writer stopped: the converting loop stops at its next chunk
    finally:
        with suppress(OSError):
            sender.close()


if __name__ == "__main__":
    main(int(sys.argv[1]))
