"""``l2o worker`` and ``l2o outbox list|replay|dead`` - deliver events, look after the outbox.

``l2o worker --endpoints endpoints.yaml [--spec architecture.yaml]`` runs until SIGTERM or
Ctrl-C; ``--once`` drains what is due and exits (cron, tests). ``--allow-private`` lets
webhooks reach private and loopback addresses - for a receiver on a developer's machine.
"""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from l2o.domain import OutboxMessage, OutboxStatus
from l2o.engine import EngineRules
from l2o.entrypoints.cli.common import DB_OPTION, guarded
from l2o.entrypoints.worker import run_worker
from l2o.services.delivery import list_messages, replay_message
from l2o.services.delivery_config import load_delivery_config
from l2o.settings import load_settings
from l2o.spec import load_spec
from l2o.store import engine_for

__all__ = ["outbox", "worker"]

outbox = typer.Typer(help="Look at the outbox, and replay dead or delivered messages.")


def worker(
    db: str | None = DB_OPTION,
    endpoints: Path | None = typer.Option(
        None,
        "--endpoints",
        help="Webhook endpoints file (YAML or JSON). Without it nothing is delivered.",
        exists=True,
        dir_okay=False,
    ),
    spec: Path | None = typer.Option(
        None,
        "--spec",
        help="Architecture spec for the SLA, stall and renewal timers (else digests only).",
        exists=True,
        dir_okay=False,
    ),
    once: bool = typer.Option(False, "--once", help="Drain what is due, run timers once, exit."),
    allow_private: bool = typer.Option(
        False,
        "--allow-private",
        help="Allow webhook targets on private and loopback addresses (development only).",
    ),
    poll: float = typer.Option(1.0, "--poll", min=0.05, help="Seconds to wait when idle."),
) -> None:
    """Deliver outbox events as signed webhooks and run the timers, until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = guarded(lambda: load_settings(db))
    config = None
    if endpoints is not None:
        path = endpoints
        config = guarded(
            lambda: load_delivery_config(path, allow_private=True if allow_private else None)
        )
    rules = None
    if spec is not None:
        spec_path = spec
        rules = guarded(lambda: EngineRules.from_spec(load_spec(spec_path)))
    report = guarded(
        lambda: run_worker(settings, once=once, config=config, rules=rules, poll_seconds=poll)
    )
    typer.echo(report.summary())


@outbox.command("list")
def list_command(
    db: str | None = DB_OPTION,
    status: OutboxStatus | None = typer.Option(None, "--status", help="Only this status."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many, oldest first."),
) -> None:
    """List outbox messages: id, status, event, attempts, next attempt, last error."""
    url = guarded(lambda: load_settings(db).database_url)
    messages = guarded(lambda: list_messages(engine_for(url), status=status, limit=limit))
    _print(messages)


@outbox.command("dead")
def dead_command(
    db: str | None = DB_OPTION,
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many, oldest first."),
) -> None:
    """List dead messages: every attempt failed; fix the cause, then `l2o outbox replay ID`."""
    url = guarded(lambda: load_settings(db).database_url)
    messages = guarded(
        lambda: list_messages(engine_for(url), status=OutboxStatus.DEAD, limit=limit)
    )
    _print(messages)


@outbox.command("replay")
def replay_command(
    message_id: str = typer.Argument(..., help="The outbox message id."),
    db: str | None = DB_OPTION,
) -> None:
    """Queue a dead or delivered message again, with a fresh round of attempts."""
    url = guarded(lambda: load_settings(db).database_url)
    message = guarded(lambda: replay_message(engine_for(url), message_id))
    typer.echo(f"{message.id} {message.event_type}: pending again, the worker sends it next")


def _print(messages: list[OutboxMessage]) -> None:
    if not messages:
        typer.echo("no messages")
        return
    for m in messages:
        where = m.payload.get("endpoint") or m.payload.get("url") if m.payload else None
        event = f"{m.event_type}({m.payload.get('event')} -> {where})" if where else m.event_type
        next_at = m.next_attempt_at.isoformat() if m.next_attempt_at else "-"
        error = f"  {m.last_error}" if m.last_error else ""
        typer.echo(
            f"{m.id}  {m.status.value:<9}  {event}  attempts {m.attempts}  next {next_at}{error}"
        )
