"""A batch's files read and converted ahead of the writer, in a second process for large ones.

Reading a CSV row and checking and standardizing its values (``checked_chunks``) is about
a quarter of a large import's time, all of it Python on one core, while the writer waits.
``converted_files`` hands the writer each planned file's ``RowChunk``s in order (or, for a
file whose records the caller knows are all new, ``InsertChunk``s: ready to insert), either
converted as they are asked for (small batches: a second process would cost more than it
saves) or by a second process that works through the files ahead of the writer and sends
its rows as they are done, so converting the next chunk overlaps writing this one::

    with converted_files(adapter, files, text_limits, chunk_rows=20_000) as converted:
        for source_file in files:
            for chunk in converted.chunks(source_file):
                write(chunk)

The chunks hold the same rows in the same order either way (from the second process, one
may hold up to a part more than ``chunk_rows``: see ``SENT_ROWS``); the files must be asked
for in the order given. The second process sends parts of ``SENT_ROWS`` rows and keeps at
most ``AHEAD_BYTES`` of them waiting in memory, the rest in a temporary file
(``l2o.ingest.convert_process``), so its memory stays bounded however far behind the writer
is. If it fails, the writer gets
:class:`ConversionFailed` with its traceback; if the writer stops early, the process is
stopped with it.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from l2o.ingest.convert import RowConverter
from l2o.ingest.insert_chunk import InsertChunk
from l2o.ingest.pipeline import DEFAULT_CHUNK_ROWS, RowChunk, checked_chunks
from l2o.ingest.records import RECORD_SPECS
from l2o.ingest.sources.base import SourceAdapter, SourceFile

__all__ = [
    "CONVERT_AHEAD_BYTES",
    "Chunk",
    "ConversionFailed",
    "ConvertedFiles",
    "converted_files",
]

#: A file's checked rows: as rows, or as new records ready to insert (``InsertChunk``).
Chunk = RowChunk | InsertChunk

#: Files of at least this many bytes in all are converted in a second process (about
#: 25,000 leads); below it, starting the process (a second interpreter importing the
#: standardizing libraries, about a second) would cost more than it saves.
CONVERT_AHEAD_BYTES = 4 << 20
#: Rows the converting process sends at a time; the writer's chunks are put together from
#: as many of these parts as make ``chunk_rows`` (rounded up to whole parts).
SENT_ROWS = 10_000
#: What the converting process sends instead of a file's index when it failed.
FAILED = "failed"
# How long a stopped writer waits for the converting process to exit before killing it.
_STOP_SECONDS = 5.0


class ConversionFailed(RuntimeError):
    """The process converting a batch's files failed; the message carries its traceback."""


class ConvertedFiles:
    """Each planned file's checked chunks, converted as they are asked for."""

    def __init__(
        self,
        adapter: SourceAdapter,
        files: Sequence[SourceFile],
        text_limits: Mapping[str, Mapping[str, int]],
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        new_files: Collection[SourceFile] = (),
    ) -> None:
        self.adapter = adapter
        self.files = list(files)
        self.text_limits = text_limits
        self.chunk_rows = chunk_rows
        self.new_files = frozenset(new_files)

    def chunks(self, source_file: SourceFile) -> Iterator[Chunk]:
        """The checked chunks of ``source_file`` (``InsertChunk``s for one of ``new_files``)."""
        yield from file_chunks(
            self.adapter,
            source_file,
            self.text_limits,
            self.chunk_rows,
            new_records=source_file in self.new_files,
        )


class _ConvertedAhead(ConvertedFiles):
    """The chunks as a second process sends them, file after file in the planned order.

    The process is this interpreter run on :mod:`l2o.ingest.convert_process` (not
    ``multiprocessing``, whose ``spawn`` runs the caller's main script again), told the job
    on its standard input; it sends its messages down a pipe of their own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sent in parts of at most SENT_ROWS rows, put together here: the other process
        # then holds a part's rows as objects, not a whole chunk's (a few hundred MiB).
        self._send_rows = -(-self.chunk_rows // -(-self.chunk_rows // SENT_ROWS))
        job = (
            self.adapter,
            self.files,
            dict(self.text_limits),
            self._send_rows,
            self.new_files,
        )
        # Before the process starts: an adapter that cannot be sent is converted here.
        job_bytes = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)
        read_end, write_end = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "l2o.ingest.convert_process", str(write_end)],
                stdin=subprocess.PIPE,
                pass_fds=(write_end,),
                env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            )
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)  # the child's end: its exit then reads as the pipe's end
        self._receiver = Connection(read_end, writable=False)
        assert self._process.stdin is not None
        with self._process.stdin as job_input:
            job_input.write(job_bytes)
        self._next_file = 0

    def chunks(self, source_file: SourceFile) -> Iterator[Chunk]:
        index = self._next_file
        if index >= len(self.files) or self.files[index] != source_file:
            raise ValueError(f"{source_file.path.name} asked for out of the planned order")
        self._next_file += 1
        whole: Any = None
        while True:
            tag, part = self._receive()
            if tag == FAILED:
                raise ConversionFailed(f"converting {source_file.path.name} failed:\n{part}")
            if tag != index:
                raise ConversionFailed(f"chunk of file {tag} where file {index} was expected")
            if part is None:
                break
            if whole is None:
                whole = part
            else:
                whole.extend(part)
            if whole.rows_read >= self.chunk_rows:
                yield whole
                whole = None
        if whole is not None and whole.rows_read:
            yield whole

    def _receive(self) -> tuple[Any, Any]:
        try:
            message: tuple[Any, Any] = pickle.loads(self._receiver.recv_bytes())
        except EOFError:
            code = self._process.wait()
            raise ConversionFailed(
                f"the process converting the files stopped (exit code {code})"
            ) from None
        return message

    def close(self) -> None:
        """Stop the process (if the writer stopped early) and wait for it."""
        self._receiver.close()  # a child blocked sending now fails and exits
        try:
            self._process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@contextmanager
def converted_files(
    adapter: SourceAdapter,
    files: Sequence[SourceFile],
    text_limits: Mapping[str, Mapping[str, int]],
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    *,
    ahead: bool | None = None,
    new_files: Collection[SourceFile] = (),
) -> Iterator[ConvertedFiles]:
    """The chunks of ``files`` (each record type's store text limits in ``text_limits``);
    those of ``new_files``, whose records the caller knows are all new, as ``InsertChunk``s.

    ``ahead``: convert in a second process, ahead of the writer; ``None`` (the default)
    does so when the files add up to :data:`CONVERT_AHEAD_BYTES` or more. Where no second
    process can be had (an adapter that cannot be pickled, no interpreter to start), the
    files are converted here all the same.
    """
    if ahead is None:
        ahead = sum(_size(source_file) for source_file in files) >= CONVERT_AHEAD_BYTES
    if not ahead or not files:
        yield ConvertedFiles(adapter, files, text_limits, chunk_rows, new_files)
        return
    try:
        converted = _ConvertedAhead(adapter, files, text_limits, chunk_rows, new_files)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        # No second process to be had (an adapter that cannot be sent to one, no interpreter
        # to start): the same chunks, converted here.
        yield ConvertedFiles(adapter, files, text_limits, chunk_rows, new_files)
        return
    try:
        yield converted
    finally:
        converted.close()


def file_chunks(
    adapter: SourceAdapter,
    source_file: SourceFile,
    text_limits: Mapping[str, Mapping[str, int]],
    chunk_rows: int,
    *,
    new_records: bool = False,
) -> Iterator[Chunk]:
    """The checked chunks of one file, converted here (as ``InsertChunk``s with
    ``new_records``)."""
    record_type = source_file.record_type
    converter = RowConverter(
        RECORD_SPECS[record_type], adapter.formats, text_limits.get(record_type)
    )
    chunks = checked_chunks(adapter, source_file, converter, chunk_rows)
    if new_records:
        return map(InsertChunk.of, chunks)
    return chunks


def _size(source_file: SourceFile) -> int:
    try:
        return source_file.path.stat().st_size
    except OSError:
        return 0
