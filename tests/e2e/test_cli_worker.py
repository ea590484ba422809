"""``l2o worker --once`` and ``l2o outbox list|dead|replay`` through Typer, on both backends.

The receiver listens on 127.0.0.1 and the endpoints file allows exactly that address.
"""

from __future__ import annotations

import base64
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from l2o import domain as d
from l2o.entrypoints.cli.worker import outbox, worker
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "delivery"))
from delivery_receiver import running_receiver

pytestmark = pytest.mark.e2e

runner = CliRunner()

# The commands as the root app registers them: `l2o worker`, `l2o outbox ...`.
app = typer.Typer()
app.command("worker")(worker)
app.add_typer(outbox, name="outbox")


def endpoints_file(tmp_path: Path, url: str, secret: str, *, allow: bool = True) -> Path:
    networks = "allowed_networks: [127.0.0.1/32]\n" if allow else ""
    path = tmp_path / "endpoints.yaml"
    path.write_text(
        "endpoints:\n"
        f"  - {{name: hooks, url: '{url}/hooks', secret_env: TEST_HOOK_SECRET, events: ['*']}}\n"
        "retry_schedule: [5s]\n" + networks
    )
    return path


def publish_event(url: str) -> str:
    engine = engine_for(url)
    upgrade(engine)
    with SqlAlchemyUnitOfWork(engine) as uow:
        message = uow.publish(
            d.OpportunityClosed(
                opportunity_id="opp-1",
                account_id=None,
                won=True,
                closed_at=datetime(2025, 3, 3, tzinfo=UTC),
            )
        )
        uow.commit()
    engine.dispose()
    return message.id


def test_worker_once_delivers_and_outbox_lists(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("TEST_HOOK_SECRET", secret)
    event_id = publish_event(database_url)
    with running_receiver(secret) as receiver:
        path = endpoints_file(tmp_path, receiver.url, secret)
        result = runner.invoke(
            app, ["worker", "--db", database_url, "--endpoints", str(path), "--once"]
        )
    assert result.exit_code == 0, result.output
    assert "delivered 1, dispatched 1, retry 0, dead 0" in result.output
    assert receiver.ids() == [event_id]
    assert receiver.received[0].error is None

    listed = runner.invoke(app, ["outbox", "list", "--db", database_url])
    assert listed.exit_code == 0, listed.output
    assert event_id in listed.output
    assert "WebhookDelivery(OpportunityClosed -> hooks)" in listed.output
    pending = runner.invoke(app, ["outbox", "list", "--db", database_url, "--status", "pending"])
    assert pending.output.strip() == "no messages"


def test_a_refused_target_goes_dead_and_is_replayed(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("TEST_HOOK_SECRET", secret)
    publish_event(database_url)
    with running_receiver(secret) as receiver:
        refused = endpoints_file(tmp_path, receiver.url, secret, allow=False)
        first = runner.invoke(
            app, ["worker", "--db", database_url, "--endpoints", str(refused), "--once"]
        )
        assert first.exit_code == 0, first.output
        assert "dead 1" in first.output
        assert receiver.received == []

        dead = runner.invoke(app, ["outbox", "dead", "--db", database_url])
        assert "refused target" in dead.output
        assert "loopback address" in dead.output
        dead_id = dead.output.split()[0]

        replayed = runner.invoke(app, ["outbox", "replay", dead_id, "--db", database_url])
        assert replayed.exit_code == 0, replayed.output
        assert "pending again" in replayed.output
        again = runner.invoke(app, ["outbox", "replay", dead_id, "--db", database_url])
        assert again.exit_code == 1
        assert "still pending" in again.output

        allowed = runner.invoke(
            app,
            [
                "worker",
                "--db",
                database_url,
                "--endpoints",
                str(refused),
                "--once",
                "--allow-private",
            ],
        )
        assert allowed.exit_code == 0, allowed.output
        assert "delivered 1" in allowed.output
        assert len(receiver.received) == 1


def test_a_bad_endpoints_file_is_one_line_and_exit_1(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "endpoints.yaml"
    path.write_text("endpoints:\n  - {name: x, url: 'ftp://x', secret: whsec_AAAA, events: []}\n")
    result = runner.invoke(app, ["worker", "--db", database_url, "--endpoints", str(path)])
    assert result.exit_code == 1
    assert "not an http(s) URL" in result.output
