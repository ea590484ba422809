"""Benchmark: import a simulated 1,000,000-lead neutral CSV set into SQLite, end to end.

Run by hand (never in the test suite)::

    .venv/bin/python bench/import_1m.py [--leads N] [--csv-dir DIR] [--no-dedupe]
        [--convert-here]

The CSV set is generated first in a separate process (not timed, and its memory is not the
importer's). Then, in this process: DuckDB's ``read_csv`` loads every file raw into an
in-memory table (the floor: parsing only), and ``l2o.services.importing.import_directory``
imports the same files into a fresh SQLite file with validation, standardization, reference
resolution, upserts, audit rows, quarantine and (unless ``--no-dedupe``) dedupe. Reports rows
read, seconds, rows per second, the ratio to DuckDB's time, the peak resident memory of this
process, of the process converting files ahead of the writer (its own) and of both at once
(both sampled every half second); per record type, the seconds spent reading, converting and
writing its rows and the seconds its dedupe took (told apart by the import's progress
callback and a timer around dedupe).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import duckdb

from l2o.ingest import adapter_for
from l2o.services.import_dedupe import dedupe_imported
from l2o.services.importing import import_directory
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade

_GENERATE = (
    "import sys; from pathlib import Path; from l2o.simulate import simulate, write_csv; "
    "write_csv(simulate('defined', leads=int(sys.argv[1]), months=24, seed=0), Path(sys.argv[2]))"
)


def _peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux


def duckdb_floor(directory: Path) -> tuple[float, int]:
    """Seconds DuckDB takes to load every CSV of ``directory`` into memory, and its rows."""
    connection = duckdb.connect()
    rows = 0
    start = time.perf_counter()
    for index, path in enumerate(sorted(directory.glob("*.csv"))):
        connection.execute(
            f"CREATE TABLE t{index} AS SELECT * FROM read_csv(?, header = true)", [str(path)]
        )
        rows += connection.execute(f"SELECT count(*) FROM t{index}").fetchone()[0]  # type: ignore[index]
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed, rows


class MemorySampler(threading.Thread):
    """The most resident memory this process and its children held at once, and the most
    any child held itself (Linux /proc), sampled every half second while the import runs.

    A child's own peak is its ``VmHWM``, the high-water mark of the program it runs. Not
    ``getrusage(RUSAGE_CHILDREN)``: that counts the memory a child shared with this process
    between being forked and starting its program, so it reports about this process's size
    at the moment it started a child.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.child_peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.done.wait(0.5):
            tree = _tree(me)
            self.peak_kib = max(self.peak_kib, sum(_status_kib(pid, "VmRSS") for pid in tree))
            for child in tree[1:]:
                self.child_peak_kib = max(self.child_peak_kib, _status_kib(child, "VmHWM"))

    def stop(self) -> tuple[float, float]:
        """Stop sampling; the peaks in GiB: all at once, and the largest child's own."""
        self.done.set()
        self.join()
        return self.peak_kib / 1024 / 1024, self.child_peak_kib / 1024 / 1024


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, itself first."""
    try:
        children = [
            int(child)
            for task in os.listdir(f"/proc/{pid}/task")
            for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        ]
    except OSError:  # it has ended
        return []
    return [pid, *(d for child in children for d in _tree(child))]


def _status_kib(pid: int, field: str) -> int:
    """A memory figure of ``/proc/PID/status`` in KiB (0 if the process has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith(field))
    except (OSError, StopIteration):
        return 0


class PhaseClock:
    """Seconds per record type: writing (chunk to chunk) and dedupe (timed around it)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.writing: dict[str, float] = defaultdict(float)
        self.dedupe: dict[str, float] = defaultdict(float)

    def progress(self, record_type: str, _rows: int) -> None:
        now = time.perf_counter()
        self.writing[record_type] += now - self.last
        self.last = now

    def timed_dedupe(self, uow: SqlAlchemyUnitOfWork, record_type: str, ids: Sequence[str]) -> int:
        merged = dedupe_imported(uow, record_type, ids)
        now = time.perf_counter()
        self.dedupe[record_type] += now - self.last
        self.last = now
        return merged


def main() -> None:
    """Generate (or reuse) the CSV set, time DuckDB and the import, print a Markdown row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--csv-dir", type=Path, default=None, help="reuse a generated set")
    parser.add_argument("--no-dedupe", action="store_true")
    parser.add_argument(
        "--convert-here",
        action="store_true",
        help="convert the files in this process, not in a second one ahead of the writer",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        csv_dir = args.csv_dir or Path(scratch) / "csv"
        if not csv_dir.exists():
            csv_dir.mkdir(parents=True)
            print(f"generating {args.leads:,} leads into {csv_dir} ...", flush=True)
            subprocess.run([sys.executable, "-c", _GENERATE, str(args.leads), str(csv_dir)],
                           check=True)  # fmt: skip
        floor, duck_rows = duckdb_floor(csv_dir)
        print(f"duckdb read_csv: {duck_rows:,} rows in {floor:.1f} s", flush=True)

        engine = engine_for(f"sqlite:///{Path(scratch) / 'bench.db'}")
        upgrade(engine)
        clock = PhaseClock()
        memory = MemorySampler()
        memory.start()
        start = clock.last = time.perf_counter()
        summary = import_directory(
            engine,
            csv_dir,
            adapter_for("neutral"),
            dedupe=None if args.no_dedupe else clock.timed_dedupe,
            convert_ahead=False if args.convert_here else None,
            progress=clock.progress,
            chunk_rows=50_000,
        )
        elapsed = time.perf_counter() - start
        together, child_peak = memory.stop()
        engine.dispose()

    total = summary.total
    print("| record type | read | inserted | merged | quarantined | writing (s) | dedupe (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, counts in summary.by_type.items():
        print(f"| {name} | {counts.read:,} | {counts.inserted:,} | {counts.merged:,} | "
              f"{counts.quarantined:,} | {clock.writing[name]:.1f} | "
              f"{clock.dedupe[name]:.1f} |")  # fmt: skip
    writing, dedupe = sum(clock.writing.values()), sum(clock.dedupe.values())
    rest = elapsed - writing - dedupe
    print(f"\nwriting {writing:.1f} s, dedupe {dedupe:.1f} s, the rest (commit) {rest:.1f} s")
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    print()
    print("| machine | leads | rows read | import (s) | rows/s | DuckDB read_csv (s) | ratio | "
          "peak RSS | dedupe |")  # fmt: skip
    print(
        f"| {machine} | {args.leads:,} | {total.read:,} | {elapsed:.1f} | "
        f"{total.read / elapsed:,.0f} | {floor:.1f} | {elapsed / floor:.0f}x | "
        f"{_peak_rss_gib():.2f} GiB | {'no' if args.no_dedupe else 'yes'} |"
    )
    # The child sampled while the import ran: the process converting the files ahead.
    print(
        f"\nthe converting process's own peak RSS: {child_peak:.2f} GiB; this process and its "
        f"children at once, at most: {together:.2f} GiB (both sampled)"
    )
    assert total.adds_up, "counts do not add up"


if __name__ == "__main__":
    main()
