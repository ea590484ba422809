"""The second process of :func:`l2o.ingest.converted_files`: converts a batch's files ahead.

Run as ``python -m l2o.ingest.convert_process FD``: reads its job (adapter, files, text
limits, rows per part, the files whose records are all new) pickled from standard input,
and sends down the pipe ``FD`` each file's rows in parts, as ``(file index, RowChunk)`` (an
``InsertChunk`` for a file of new records), then ``(file index, None)`` at the
file's end - or ``("failed", traceback)`` if converting failed. A thread sends, so
converting runs ahead of the writer: up to ``AHEAD_BYTES`` of pickled parts in memory and
``SPILL_BYTES`` more in a temporary file (``l2o.ingest.outbox``). A writer that stops closes
its end of the pipe, and the next send ends this process.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from contextlib import suppress
from multiprocessing.connection import Connection

from l2o.ingest.ahead import FAILED, file_chunks
from l2o.ingest.outbox import Outbox, OutboxClosed

#: Converted chunks (pickled) waiting to be sent that are kept in memory, in bytes - about
#: 120,000 leads - so that this process stays a few hundred MiB beside the writer.
AHEAD_BYTES = 64 << 20
#: Converted chunks waiting past ``AHEAD_BYTES`` go to a temporary file, up to this many
#: bytes: this process goes on converting the next files (a million leads is about 550
#: MiB) while the writer writes and deduplicates the ones before, without holding them in
#: memory. Past it, converting waits for the writer.
SPILL_BYTES = 4 << 30
#: How much lower this process's priority is than the writer's (``nice``).
NICENESS = 10


def main(pipe: int) -> None:
    """Convert the job read from standard input; send its chunks down ``pipe``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the writer decides when to stop
    # Converting ahead uses the time the writer leaves a core idle; where both would run
    # at once (the writer's deduplication runs on every core), the writer goes first.
    with suppress(OSError):
        os.nice(NICENESS)
    # A sent chunk's rows are garbage without cycles: the cycle collector would only walk
    # the chunk being built again and again.
    gc.disable()
    sender = Connection(pipe, readable=False)
    # Sending waits for the writer to read; a thread does it, so converting goes on.
    outbox = Outbox(AHEAD_BYTES, SPILL_BYTES)
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
    except OutboxClosed:
        return
    except BaseException:
        with suppress(OutboxClosed):
            outbox.put(pickle.dumps((FAILED, traceback.format_exc())))
    with suppress(OutboxClosed):
        outbox.put(None)
    sending.join()


def _send_all(outbox: Outbox, sender: Connection) -> None:
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
