"""``l2o run`` - the main job as ``make run`` calls it, in a fresh working directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from l2o.entrypoints.cli import app
from l2o.spec import check_spec
from l2o.store import SqlAlchemyUnitOfWork, current_revision, engine_for, head_revision

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("L2O_DATABASE_URL", raising=False)
    return tmp_path


SMALL = ["--leads", "300", "--no-serve"]


def test_run_lints_migrates_and_loads_a_simulated_company(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["run", *SMALL])

    assert result.exit_code == 0, result.output
    assert "examples/revenue-machine.yaml: valid, 0 error(s), 0 warning(s)" in result.output
    assert "examples/founder-led.yaml: valid" in result.output
    database = workdir / "l2o-data" / "l2o.db"
    assert current_revision(f"sqlite:///{database}") == head_revision()
    with SqlAlchemyUnitOfWork(engine_for(f"sqlite:///{database}")) as uow:
        assert uow.leads.count() >= 300
        assert uow.opportunities.count() > 0
    simulated = workdir / "l2o-data" / "simulated"
    assert (simulated / "leads.csv").exists()
    assert (simulated / "truth.json").exists()


def test_run_ends_with_the_assessment_and_its_deliverables(workdir: Path) -> None:
    result = CliRunner().invoke(app, ["run", *SMALL])

    assert result.exit_code == 0, result.output
    out = workdir / "l2o-out"
    document = json.loads((out / "assessment.json").read_text())
    assert set(document["dimensions"]) == {
        "icp", "pipeline", "signals", "commercial", "pricing", "lifecycle"
    }  # fmt: skip
    for name in ("report.html", "report.pdf", "board-brief.pdf", "plan.md", "ai-readiness.md"):
        assert (out / name).stat().st_size > 0, name
    assert check_spec(out / "architecture.proposed.yaml").ok
    assert (out / "crm" / "salesforce" / "package.xml").exists()
    assert list((out / "crm" / "hubspot" / "pipelines").glob("*.json"))
    assert "assessed: L2O Index" in result.output
    for name in ("outcomes.html", "outcomes.pdf", "outcomes.json"):
        assert (out / name).stat().st_size > 0, name
    assert "outcomes: metrics, forecast of" in result.output


def test_second_run_migrates_nothing_and_simulates_nothing(workdir: Path) -> None:
    CliRunner().invoke(app, ["run", *SMALL])
    database = f"sqlite:///{workdir / 'l2o-data' / 'l2o.db'}"
    with SqlAlchemyUnitOfWork(engine_for(database)) as uow:
        leads_after_first_run = uow.leads.count()

    result = CliRunner().invoke(app, ["run", *SMALL])

    assert result.exit_code == 0, result.output
    assert "nothing to migrate" in result.output
    assert "no company simulated" in result.output
    with SqlAlchemyUnitOfWork(engine_for(database)) as uow:
        assert uow.leads.count() == leads_after_first_run


def test_run_imports_the_data_it_is_given(workdir: Path) -> None:
    export = workdir / "export"
    CliRunner().invoke(app, ["simulate", "--leads", "200", "--seed", "3", "--csv-dir", str(export)])

    result = CliRunner().invoke(app, ["run", "--data", str(export), "--no-serve"])

    assert result.exit_code == 0, result.output
    assert "simulating" not in result.output
    database = f"sqlite:///{workdir / 'l2o-data' / 'l2o.db'}"
    with SqlAlchemyUnitOfWork(engine_for(database)) as uow:
        assert uow.leads.count() >= 200


def test_invalid_spec_fails_the_run_and_names_the_problem(workdir: Path) -> None:
    broken = (workdir / "examples" / "founder-led.yaml").read_text()
    (workdir / "examples" / "broken.yaml").write_text(
        broken.replace("max_days_in_stage:", "max_day_in_stage:", 1)
    )

    result = CliRunner().invoke(app, ["run", *SMALL])

    assert result.exit_code == 1
    assert "examples/broken.yaml: invalid" in result.output
    assert "max_day_in_stage" in result.output
    assert "1 of 3 spec(s) invalid" in result.output


def test_run_without_specs_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run"])

    assert result.exit_code == 1
    assert "no architecture specs" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tokens_printed(server: subprocess.Popen[str], deadline: float) -> tuple[str, dict[str, str]]:
    """Read the run's output up to the stop hint: the dashboard's URL and each persona's token."""
    assert server.stdout is not None
    url, tokens, seen = "", {}, []
    for line in server.stdout:
        seen.append(line)
        if found := re.search(r"dashboard: (http://\S+/)", line):
            url = found.group(1)
        if found := re.match(r"\s+(\w+)\s+.*\((\w+)\): (l2o_\S+)", line):
            tokens[found.group(1)] = found.group(3)
        if "Ctrl+C" in line or time.monotonic() > deadline:
            break
    assert url, "".join(seen)
    return url, tokens


def test_run_ends_by_serving_the_dashboard_with_a_token_per_persona(workdir: Path) -> None:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "l2o"), "run", "--leads", "300",
               "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=workdir,
        env={**_environment(), "COLUMNS": "200"},
    )  # fmt: skip
    try:
        url, tokens = _tokens_printed(server, time.monotonic() + 600)
        assert url == f"http://127.0.0.1:{port}/"
        assert {"executive", "adviser", "manager", "rep"} <= set(tokens)
        answer = _when_up(lambda: httpx.get(f"{url}api/me", headers=_bearer(tokens["rep"])))
        assert answer.json()["access_role"] == "rep"
        rep_id = answer.json()["user_id"]
        deals = httpx.get(f"{url}api/opportunities", headers=_bearer(tokens["rep"])).json()
        assert deals["items"], "the rep chosen for the demo owns open deals"
        assert {deal["owner_id"] for deal in deals["items"]} == {rep_id}
        with httpx.Client(base_url=url) as browser:
            signed_in = browser.post("/signin", data={"token": tokens["executive"]})
            assert signed_in.status_code == 303
            overview = browser.get("/")
            assert overview.status_code == 200
            assert "L2O Index" in overview.text
    finally:
        server.terminate()
        server.wait(timeout=30)


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "L2O_DATABASE_URL"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _when_up(call: Callable[[], httpx.Response]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return call()
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the dashboard did not start within 60 s"
            time.sleep(0.3)


def test_run_refuses_a_port_in_use_and_says_which(workdir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["run", "--leads", "300", "--port", str(port)])

    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output
    assert (workdir / "l2o-out" / "assessment.json").exists()
