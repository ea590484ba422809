"""Benchmark: assess a simulated 1,000,000-lead company on SQLite, end to end.

Run by hand (never in the test suite)::

    .venv/bin/python bench/assess_1m.py --db sqlite:///FILE [--runs 3] [--out DIR]
    .venv/bin/python bench/assess_1m.py --leads 1000000          # simulate and import first

A store to assess is made (when no ``--db`` is given) by simulating a 'defined' company and
importing it through the neutral importer (not timed). Then, ``--runs`` times: the
assessment alone (``assess_store``: evidence read from the store, scored, not saved), and the
whole package ``l2o assess`` writes (``write_assessment``: the assessment saved as a
snapshot, report, brief, plan, AI readiness, proposed spec, CRM packages). Reports medians,
the store's size (leads, opportunities, stage changes) and the peak resident memory.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from l2o.services.assessing import assess_store
from l2o.services.assessment_package import write_assessment
from l2o.store import engine_for, upgrade


def _peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux


def _store(leads: int, scratch: Path) -> str:
    url = f"sqlite:///{scratch / 'assess.db'}"
    upgrade(engine_for(url))
    print(f"simulating and importing {leads:,} leads (not timed) ...", flush=True)
    subprocess.run(
        [str(Path(sys.executable).parent / "l2o"), "simulate", "--profile", "defined",
         "--leads", str(leads), "--seed", "0", "--db", url],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return url


def _size(url: str) -> dict[str, int]:
    engine = engine_for(url)
    with engine.connect() as connection:
        return {
            table: int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("leads", "opportunities", "stage_changes", "quote_lines", "contracts")
        }


def main() -> None:
    """Make (or reuse) the store, time the assessment and the package, print a Markdown row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="assess this store instead of simulating")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="where the package is written")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = args.db or _store(args.leads, Path(scratch))
        size = _size(url)
        print(", ".join(f"{name} {count:,}" for name, count in size.items()), flush=True)
        engine = engine_for(url)
        upgrade(engine)  # a store made before snapshots existed gets their table
        assess, package = [], []
        for run in range(args.runs):
            start = time.perf_counter()
            document = assess_store(engine, save=False)
            assess.append(time.perf_counter() - start)
            out = args.out or Path(scratch) / f"out-{run}"
            start = time.perf_counter()
            written = write_assessment(engine, out, name=f"bench run {run + 1}")
            package.append(time.perf_counter() - start)
            print(
                f"run {run + 1}: assess {assess[-1]:.1f} s, whole package {package[-1]:.1f} s "
                f"({len(written.files)} files), index {document['index']}",
                flush=True,
            )
        engine.dispose()

    machine = f"{platform.machine()}, Python {platform.python_version()}"
    print()
    print("| machine | leads | opportunities | stage changes | assess (s, median) | "
          "whole package (s, median) | runs | peak RSS |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {machine} | {size['leads']:,} | {size['opportunities']:,} | "
        f"{size['stage_changes']:,} | {statistics.median(assess):.1f} | "
        f"{statistics.median(package):.1f} | {args.runs} | {_peak_rss_gib():.2f} GiB |"
    )


if __name__ == "__main__":
    main()
