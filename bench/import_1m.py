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
process, of the largest child (the one converting files ahead of the writer) and of both at
once (sampled every half second); per record type, the seconds spent reading, converting and
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


def _peak_rss_gib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024 / 1024  # KiB on Linux


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
    """The most resident memory this process and its children held at once (Linux /proc),
    sampled every half second while the import runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(os.getpid()))

    def stop(self) -> float:
        """Stop sampling; the peak in GiB."""
        self.done.set()
        self.join()
        return self.peak_kib / 1024 / 1024


def _tree_rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        children = [
            int(child)
            for task in os.listdir(f"/proc/{pid}/task")
            for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        ]
    except (OSError, StopIteration):
        return 0
    return rss + sum(_tree_rss_kib(child) for child in children)


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
        together = memory.stop()
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
    # The largest child's peak: the process converting the files ahead of the writer (or,
    # without --csv-dir, the one that generated the CSV set, if it was larger).
    print(
        f"\nlargest child process's peak RSS: {_peak_rss_gib(resource.RUSAGE_CHILDREN):.2f} GiB; "
        f"this process and its children at once, at most: {together:.2f} GiB (sampled)"
    )
    assert total.adds_up, "counts do not add up"


if __name__ == "__main__":
    main()
