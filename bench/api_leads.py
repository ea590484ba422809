"""POST a lead over HTTP: throughput and p50/p99 latency, next to a trivial endpoint.

::

    .venv/bin/python bench/api_leads.py                      # SQLite, 1 and 2 workers
    scripts/with-postgres .venv/bin/python bench/api_leads.py --backend postgresql
    .venv/bin/python bench/api_leads.py --workers 2 --rate 1000 --connections 32   # paced

The app is what ``l2o serve`` runs (``l2o.entrypoints.server.create_app``: the API at
``/api``), under uvicorn on loopback with 1 and 2 worker processes, over a fresh store
seeded with the example spec's reps and an admin token. The load generator is ``wrk``
(Debian: ``apt-get install wrk``), driven by a Lua script that POSTs a distinct lead on
every request (name, e-mail, company, country varying) with the token, optionally with
an ``Idempotency-Key`` each. Each POST scores, stages, routes and stores the lead.

The ceiling, measured in the same run with the same load: a trivial FastAPI app (defined
here) answering the same POST with a constant. Runs alternate ceiling and leads after a
warm-up; the figures are medians of ``--runs`` runs of ``--duration`` seconds each. A run
with any non-2xx answer or socket error is reported as such. By default each connection
sends its next request as soon as the last is answered (the most the server takes); with
``--rate`` the requests go on a fixed schedule and each one's latency counts from when it
was due.

Target (issue 7): POST a lead >= 1,000 requests/s sustained with p99 <= 20 ms on two
workers, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
SPEC = BENCH_DIR.parent / "examples" / "revenue-machine.yaml"
TOKEN_FILE = "token.txt"

#: The example spec's routing pools name these reps: they must exist for leads to route.
REPS = {
    "maya.chen@northwind.example": "sdr",
    "luis.ortiz@northwind.example": "sdr",
    "priya.nair@northwind.example": "sdr",
    "jonas.weber@northwind.example": "sdr",
    "claire.martin@northwind.example": "sdr",
    "sam.okafor@northwind.example": "ae",
    "rachel.kim@northwind.example": "ae",
}

#: wrk's script: a distinct lead per request, the token, and the summary as one JSON line.
#: Paced (``--rate``): wrk runs one connection per thread, and each thread sends its share
#: of the rate on a fixed schedule; a request's latency runs from the moment it was due (or
#: sent, if sent early), so a slow answer that delays the next request counts against that
#: one too (no coordinated omission), and the percentiles are worked out from every answer.
LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } l2o_timespec;
int clock_gettime(int clock, l2o_timespec *now);
]]
local clock = ffi.new("l2o_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

local token, tag, idempotent = nil, nil, false
local counter = 0
-- ``thread_no`` is a global: ``setup`` sets it in each thread's state (``thread:set``), where
-- a local of that name would hide it (every thread would be 0: the same keys, and every
-- connection due at the same moments - bursts, not a paced load).
thread_no = 0
local countries = {"US", "GB", "DE", "CA", "FR", "BR", "NL", "US"}
local titles = {"Head of Data", "VP Sales", "Analyst", "CTO", "Marketing Manager"}
local threads = {}
local interval, due, started = nil, nil, nil
latencies, answered = {}, 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  token, tag, idempotent = args[1], args[2], args[3] == "1"
  local rate, connections = tonumber(args[4]), tonumber(args[5])
  if rate and rate > 0 then
    interval = connections * 1e6 / rate
    due = now_us() + (thread_no - 1) * 1e6 / rate  -- the connections take turns
  end
end

function delay()
  if not interval then return 0 end
  return math.max(0, math.floor((due - now_us()) / 1000))
end

function request()
  counter = counter + 1
  if interval then started = math.min(due, now_us()) end
  local n = tag .. "-" .. thread_no .. "-" .. counter
  local body = string.format(
    '{"first_name":"Ana","last_name":"L%s","email":"ana.%s@co%d.example",' ..
    '"company":"Co %d","title":"%s","country":"%s","lead_source":"web","channel":"organic"}',
    n, n, counter % 500, counter % 500, titles[counter % #titles + 1],
    countries[counter % #countries + 1])
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. token}
  if idempotent then headers["Idempotency-Key"] = n end
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if interval then
    answered = answered + 1
    latencies[answered] = now_us() - started
    due = due + interval
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local p50, p99, max = latency:percentile(50), latency:percentile(99), latency.max
  local count = summary.requests
  -- ``done`` runs in the main script state, where ``init`` never ran (``interval`` is nil
  -- here): a paced run is known by the latencies its threads recorded.
  local paced = #threads > 0 and #threads[1]:get("latencies") > 0
  if paced then
    local all = {}
    for _, thread in ipairs(threads) do
      for _, value in ipairs(thread:get("latencies")) do all[#all + 1] = value end
    end
    table.sort(all)
    count = #all
    p50, p99, max = all[math.ceil(count * 0.50)], all[math.ceil(count * 0.99)], all[count]
  end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"status_errors":%d,"socket_errors":%d}\n',
    count, summary.duration, p50, p99, max, e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


# -- the apps uvicorn serves (imported by each worker process) -------------------------------


def lead_app() -> Any:
    """The app ``l2o serve`` runs, over the store named by ``L2O_BENCH_DB``."""
    from l2o.entrypoints.server import create_app
    from l2o.entrypoints.serving import make_ready
    from l2o.store import engine_for

    app = create_app(engine_for(os.environ["L2O_BENCH_DB"]), spec=SPEC)
    make_ready(app)  # as l2o serve does
    return app


def trivial_app() -> Any:
    """The ceiling: FastAPI answering the same POST with a constant."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/api/leads", status_code=201)
    async def leads() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    from l2o.entrypoints.serving import settle_heap

    settle_heap()
    return app


# -- the store -----------------------------------------------------------------------------------


def seed_store(url: str) -> str:
    """Bring the store at ``url`` to the current schema, add the spec's reps and an admin;
    the admin's API token."""
    from l2o import domain
    from l2o.services.access import add_user, create_token
    from l2o.store import engine_for, upgrade

    engine = engine_for(url)
    upgrade(engine)
    for email, role in REPS.items():
        name = email.split("@")[0].replace(".", " ").title()
        add_user(
            engine,
            name=name,
            email=email,
            access_role="rep",
            coverage_role=domain.UserRole(role),
        )
    admin = add_user(engine, name="Ada Admin", access_role="admin", email="ada@example.com")
    token = create_token(engine, admin)
    engine.dispose()
    return token


@dataclass
class Database:
    """A fresh store for the bench and how to drop it afterwards."""

    url: str
    drop: Any


def fresh_database(backend: str, workdir: Path) -> Database:
    """A new, empty database on ``backend`` (SQLite file, or a PostgreSQL database made on
    the server ``L2O_TEST_POSTGRES_URL`` names)."""
    if backend == "sqlite":
        return Database(f"sqlite:///{workdir / 'l2o.db'}", lambda: None)
    admin_url = os.environ.get("L2O_TEST_POSTGRES_URL")
    if not admin_url:
        sys.exit("PostgreSQL: run under scripts/with-postgres (sets L2O_TEST_POSTGRES_URL)")
    import sqlalchemy as sa

    name = f"l2o_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return Database(admin_url.rsplit("/", 1)[0] + f"/{name}", drop)


# -- servers and load ----------------------------------------------------------------------------


class Server:
    """uvicorn serving ``factory`` (a function of this module) on a free loopback port."""

    def __init__(self, factory: str, workers: int, env: dict[str, str]) -> None:
        self.port = _free_port()
        command = [
            sys.executable,
            __file__,
            "--serve",
            factory,
            "--port",
            str(self.port),
            "--workers",
            str(workers),
        ]
        self.process = subprocess.Popen(command, env={**os.environ, **env})
        self._wait_until_up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/leads"

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"uvicorn exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/health", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit("uvicorn did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass(frozen=True)
class Load:
    """One wrk run's summary."""

    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def run_wrk(url: str, script: Path, args: argparse.Namespace, token: str, tag: str) -> Load:
    """``wrk`` against ``url`` for ``args.duration`` seconds; its summary."""
    paced = args.rate is not None
    command = [
        "wrk",
        "-t",
        str(args.connections if paced else args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{args.duration}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
        "--",
        token,
        tag,
        "1" if args.idempotency_key else "0",
        str(args.rate or 0),
        str(args.connections),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    summary = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return Load(
        rate=summary["requests"] / (summary["duration_us"] / 1e6),
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        requests=summary["requests"],
        errors=summary["status_errors"] + summary["socket_errors"],
    )


def load_average() -> str:
    """The 1-minute load average (as ``uptime`` shows it)."""
    return f"{os.getloadavg()[0]:.1f}"


def serve(factory: str, port: int, workers: int) -> None:
    """Serve ``factory`` as ``l2o serve --workers N`` does (:func:`l2o.entrypoints.serving.serve`:
    one process per worker, each with its own ``SO_REUSEPORT`` socket)."""
    from l2o.entrypoints.serving import serve as serve_workers

    serve_workers(
        "127.0.0.1", port, workers, log_level="warning", app=f"{Path(__file__).stem}:{factory}"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _median(loads: list[Load]) -> str:
    rate = statistics.median(x.rate for x in loads)
    p50 = statistics.median(x.p50_ms for x in loads)
    p99 = statistics.median(x.p99_ms for x in loads)
    errors = sum(x.errors for x in loads)
    runs = " / ".join(f"{x.rate:,.0f}" for x in loads)
    return (
        f"{rate:8,.0f}/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  errors {errors}  (runs {runs} /s)"
    )


def bench(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    """Seed a store on ``backend`` and measure both apps at each worker count."""
    database = fresh_database(backend, workdir)
    script = workdir / "leads.lua"
    script.write_text(LUA)
    try:
        token = seed_store(database.url)
        for workers in args.workers:
            env = {"L2O_BENCH_DB": database.url}
            trivial = Server("trivial_app", workers, env)
            leads = Server("lead_app", workers, env)
            try:
                start = load_average()
                tag = uuid.uuid4().hex[:6]
                warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
                run_wrk(trivial.url, script, warm, token, f"{tag}w")
                run_wrk(leads.url, script, warm, token, f"{tag}w")
                ceiling: list[Load] = []
                posted: list[Load] = []
                for run in range(args.runs):
                    ceiling.append(run_wrk(trivial.url, script, args, token, f"{tag}t{run}"))
                    posted.append(run_wrk(leads.url, script, args, token, f"{tag}l{run}"))
            finally:
                trivial.stop()
                leads.stop()
            print(
                f"{backend}, {workers} worker(s), {args.connections} connections, "
                + (f"paced at {args.rate:,}/s, " if args.rate else "as fast as answered, ")
                + f"{args.duration} s x {args.runs}, load average {start} -> {load_average()}"
                + (", Idempotency-Key on every POST" if args.idempotency_key else "")
            )
            print(f"  trivial endpoint (ceiling)  {_median(ceiling)}")
            print(f"  POST /api/leads             {_median(posted)}")
            sys.stdout.flush()
    finally:
        database.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--workers", type=int, action="append")
    parser.add_argument("--duration", type=int, default=15, help="Seconds per run.")
    parser.add_argument("--warmup", type=int, default=5, help="Seconds of warm-up.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads.")
    parser.add_argument(
        "--rate",
        type=int,
        help="Send this many requests/s in all, on a fixed schedule (one wrk thread per "
        "connection), latency counted from when each request was due; without it, each "
        "connection sends its next request as soon as the last is answered (the most the "
        "server can take).",
    )
    parser.add_argument(
        "--idempotency-key", action="store_true", help="Send an Idempotency-Key on every POST."
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # a server process (see serve)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, (args.workers or [1])[0])
        return
    args.backend = args.backend or ["sqlite"]
    args.workers = args.workers or [1, 2]
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian/Ubuntu)")
    with tempfile.TemporaryDirectory(prefix="l2o-bench-") as workdir:
        for backend in args.backend:
            bench(backend, args, Path(workdir))


if __name__ == "__main__":
    main()
