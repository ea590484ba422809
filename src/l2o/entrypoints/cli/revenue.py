"""``l2o lead|deal|quote|account|lifecycle ...`` and ``l2o replay``: the revenue services
from a shell.

::

    l2o lead add --email ana@globex.example --title "Head of Data" --country US
    l2o lead route LEAD_ID --explain
    l2o lead touch LEAD_ID demo_request
    l2o deal advance DEAL_ID negotiation --as USER [--override --role sales_manager --reason TEXT]
    l2o deal stalled
    l2o quote submit|approve|reject|accept QUOTE_ID --as USER
    l2o account health ACCOUNT_ID
    l2o lifecycle run [--as-of 2025-06-30]
    l2o replay --spec architecture.yaml --json

Every command reads the architecture from ``--spec`` (default ``$L2O_SPEC``, else
``./architecture.yaml``) and the store from ``--db``; ``--as`` names the person acting (a
user id or email: what the audit log records); ``--at`` the moment (ISO 8601, default
now). ``lead add`` and ``lead touch`` also load the learned lead-conversion model from
``--models`` (default ``DATA_DIR/models``, where ``l2o models train`` writes it): with the
AI-readiness gate's switch on they print the lead's conversion probability and what moved
it, else why the engine keeps the rules. ``--json`` prints one JSON object on stdout. A
refusal or any other error prints one line naming the record and the rule on stderr and
exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import typer

from l2o import domain as d
from l2o.entrypoints.cli.common import DB_OPTION, fail
from l2o.errors import L2OError
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import advance_opportunity, flag_stalled
from l2o.services.errors import CommandRefused
from l2o.services.leads import LeadOutcome, add_lead, assignments_of, log_touchpoint, route_lead
from l2o.services.lifecycle import run_lifecycle, score_account_health
from l2o.services.quotes import accept_quote, approve_quote, reject_quote, submit_quote
from l2o.services.replay import replay_history
from l2o.settings import load_settings

__all__ = ["account_app", "deal_app", "lead_app", "lifecycle_app", "quote_app", "replay"]

T = TypeVar("T")

lead_app = typer.Typer(help="Add, touch and route leads.", no_args_is_help=True)
deal_app = typer.Typer(
    help="Move deals through their gates; list stalled deals.", no_args_is_help=True
)
quote_app = typer.Typer(help="Submit, approve, reject and accept quotes.", no_args_is_help=True)
account_app = typer.Typer(help="Score customer accounts' health.", no_args_is_help=True)
lifecycle_app = typer.Typer(
    help="Health, renewals, expansion and churn signals for every customer.", no_args_is_help=True
)

_SPEC = typer.Option(
    Path("architecture.yaml"), "--spec", envvar="L2O_SPEC", help="The architecture spec (YAML)."
)
_JSON = typer.Option(False, "--json", help="Print the result as one JSON object.")
_AS = typer.Option(
    None, "--as", help="The person acting: a user id or email (audited).", show_default=False
)
_AT = typer.Option(
    None, "--at", help="When it happens, ISO 8601 with a zone (default: now).", show_default=False
)
_MODELS = typer.Option(
    None,
    "--models",
    help="Where l2o models train wrote the learned models (default: DATA_DIR/models).",
    show_default=False,
)


@lead_app.command("add")
def lead_add(
    email: str | None = typer.Option(None, "--email"),
    first_name: str | None = typer.Option(None, "--first-name"),
    last_name: str | None = typer.Option(None, "--last-name"),
    company: str | None = typer.Option(None, "--company"),
    title: str | None = typer.Option(None, "--title"),
    country: str | None = typer.Option(None, "--country", help="ISO alpha-2, e.g. US."),
    lead_source: str | None = typer.Option(None, "--source"),
    channel: str | None = typer.Option(None, "--channel"),
    route: bool = typer.Option(True, "--route/--no-route", help="Route the lead at once."),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    models: Path | None = _MODELS,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Add a lead: scored, staged and routed by the spec (and the learned model, if on)."""
    system = _lead_system(spec, db, models)
    outcome = _run(
        as_json,
        lambda: add_lead(
            system,
            d.AddLead(
                at=_when(system, at),
                email=email,
                first_name=first_name,
                last_name=last_name,
                company=company,
                title=title,
                country=country.upper() if country else None,
                lead_source=lead_source,
                channel=channel,
                route=route,
                requested_by=actor,
            ),
        ),
    )
    owner = outcome.routed.assignment.owner_id if outcome.routed else None
    _print(
        as_json,
        outcome.to_json(),
        f"lead {outcome.lead_id}: {outcome.status}, score {outcome.score.total:.1f}"
        + (f", owner {owner}" if owner else ", no owner")
        + _learned_lines(outcome),
    )


@lead_app.command("touch")
def lead_touch(
    lead_id: str = typer.Argument(..., help="The lead's id."),
    touch_type: str = typer.Argument(..., help="What happened, e.g. demo_request, call."),
    user: str | None = typer.Option(None, "--user", help="The rep who touched the lead."),
    channel: str | None = typer.Option(None, "--channel"),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    models: Path | None = _MODELS,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Log a touchpoint: the lead is rescored and moves through the stages it reaches."""
    system = _lead_system(spec, db, models)
    outcome = _run(
        as_json,
        lambda: log_touchpoint(
            system,
            d.LogTouchpoint(
                lead_id=lead_id,
                touch_type=touch_type,
                at=_when(system, at),
                channel=channel,
                user_id=user,
                requested_by=actor,
            ),
        ),
    )
    stages = f", reached {', '.join(outcome.stages_reached)}" if outcome.stages_reached else ""
    _print(
        as_json,
        outcome.to_json(),
        f"lead {outcome.lead_id}: {outcome.status}, score {outcome.score.total:.1f}{stages}"
        + _learned_lines(outcome),
    )


@lead_app.command("route")
def lead_route(
    lead_id: str = typer.Argument(..., help="The lead's id."),
    explain: bool = typer.Option(False, "--explain", help="Show why this owner, and who not."),
    exclude: list[str] = typer.Option([], "--exclude", help="A rep who must not get it."),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Route (or re-route) a lead, storing why this owner."""
    system = _system(spec, db)
    routed = _run(
        as_json,
        lambda: route_lead(
            system,
            d.RouteLead(
                lead_id=lead_id,
                at=_when(system, at),
                exclude=tuple(exclude),
                requested_by=actor,
            ),
        ),
    )
    data = routed.to_json()
    if as_json:
        data["history"] = len(_run(as_json, lambda: assignments_of(system, lead_id)))
    a = routed.assignment
    lines = [f"lead {lead_id}: owner {a.owner_id or 'none (needs a person)'}"]
    if explain:
        lines.append(f"  why: {a.why}")
        lines += [f"  not {x['owner'] or x['rule']}: {x['why_not']}" for x in a.alternatives]
    _print(as_json, data, "\n".join(lines))


@deal_app.command("advance")
def deal_advance(
    deal_id: str = typer.Argument(..., help="The opportunity's id."),
    stage: str = typer.Argument(..., help="The stage to move to."),
    override: bool = typer.Option(False, "--override", help="Override an unmet gate."),
    role: str | None = typer.Option(None, "--role", help="The role overriding (with --override)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (with --override)."),
    loss_reason: str | None = typer.Option(None, "--loss-reason", help="For a lost stage."),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Move a deal to STAGE through its gate (or override it with a role and a reason)."""
    if override and (not role or not reason):
        fail(f"Opportunity {deal_id}: --override needs --role and --reason")
    if not override and (role or reason):
        fail(f"Opportunity {deal_id}: --role and --reason go with --override")
    system = _system(spec, db)
    move = _run(
        as_json,
        lambda: advance_opportunity(
            system,
            d.ChangeOpportunityStage(
                opportunity_id=deal_id,
                to_stage=stage,
                at=_when(system, at),
                override_role=role if override else None,
                override_reason=reason if override else None,
                loss_reason=loss_reason,
                requested_by=actor,
            ),
        ),
    )
    how = " (override)" if move.decision.override_used else ""
    _print(as_json, move.to_json(), f"deal {deal_id}: {move.from_stage} -> {move.to_stage}{how}")


@deal_app.command("stalled")
def deal_stalled(
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """List open deals past their stage's stall limit, flagging the new ones."""
    system = _system(spec, db)
    flags = _run(as_json, lambda: flag_stalled(system, now=_when(system, at), actor=actor))
    text = "\n".join(
        f"{f.opportunity_id} {f.name}: {f.check.reason.text}" + (" (new)" if f.new else "")
        for f in flags
    )
    _print(as_json, {"stalled": [f.to_json() for f in flags]}, text or "no stalled deals")


@quote_app.command("submit")
def quote_submit(
    quote_id: str = typer.Argument(..., help="The quote's id."),
    term: list[str] = typer.Option([], "--term", help="A non-standard term id the quote asks for."),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Submit a quote: its approval chain becomes pending approval requests."""
    system = _system(spec, db)
    done = _run(
        as_json,
        lambda: submit_quote(
            system,
            d.SubmitQuote(
                quote_id=quote_id,
                at=_when(system, at),
                non_standard_terms=tuple(term) if term else None,
                requested_by=actor,
            ),
        ),
    )
    waiting = ", ".join(s.role for s in done.chain.outstanding) or "nobody"
    _print(as_json, done.to_json(), f"quote {quote_id}: {done.status}, waiting for {waiting}")


@quote_app.command("approve")
def quote_approve(
    quote_id: str = typer.Argument(..., help="The quote's id."),
    note: str | None = typer.Option(None, "--note"),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Approve the quote's next step as --as USER."""
    system = _system(spec, db)
    done = _run(
        as_json,
        lambda: approve_quote(
            system,
            d.ApproveQuote(quote_id=quote_id, at=_when(system, at), note=note, requested_by=actor),
        ),
    )
    _print(as_json, done.to_json(), f"quote {quote_id}: {done.role} approved, {done.quote_status}")


@quote_app.command("reject")
def quote_reject(
    quote_id: str = typer.Argument(..., help="The quote's id."),
    note: str = typer.Option(..., "--note", help="Why (required)."),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Reject the quote's next step as --as USER, saying why."""
    system = _system(spec, db)
    done = _run(
        as_json,
        lambda: reject_quote(
            system,
            d.RejectQuote(quote_id=quote_id, at=_when(system, at), note=note, requested_by=actor),
        ),
    )
    _print(as_json, done.to_json(), f"quote {quote_id}: {done.role} rejected")


@quote_app.command("accept")
def quote_accept(
    quote_id: str = typer.Argument(..., help="The quote's id."),
    start: str | None = typer.Option(None, "--start", help="Contract start date (YYYY-MM-DD)."),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Record the customer's acceptance: the quote becomes an order and a contract."""
    system = _system(spec, db)
    start_date = _parse(lambda: date.fromisoformat(start), "--start") if start else None
    booked = _run(
        as_json,
        lambda: accept_quote(
            system,
            d.AcceptQuote(
                quote_id=quote_id, at=_when(system, at), start_date=start_date, requested_by=actor
            ),
        ),
    )
    _print(
        as_json,
        booked.to_json(),
        f"quote {quote_id}: order {booked.order_id}, contract {booked.contract_id or 'none'}"
        + (f" {booked.start_date} to {booked.end_date}" if booked.start_date else ""),
    )


@account_app.command("health")
def account_health(
    account_id: str = typer.Argument(..., help="The account's id."),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    at: str | None = _AT,
    as_json: bool = _JSON,
) -> None:
    """Score an account's health from its usage, tickets and contracts, and store it."""
    system = _system(spec, db)
    scored = _run(
        as_json,
        lambda: score_account_health(system, account_id, as_of=_when(system, at), actor=actor),
    )
    score = scored.health.score
    lines = [
        f"account {account_id}: health "
        + ("unknown (no data)" if score is None else f"{score:.0f} ({scored.health.band})")
    ]
    lines += [f"  {r.text}" for r in scored.health.reasons[1:]]
    _print(as_json, scored.to_json(), "\n".join(lines))


@lifecycle_app.command("run")
def lifecycle_run(
    as_of: str | None = typer.Option(
        None, "--as-of", help="The day to run as of (YYYY-MM-DD, UTC midnight; default: now)."
    ),
    spec: Path = _SPEC,
    db: str | None = DB_OPTION,
    actor: str | None = _AS,
    as_json: bool = _JSON,
) -> None:
    """Review every active customer: health, renewal deals, expansion and churn signals."""
    system = _system(spec, db)
    day = _parse(lambda: date.fromisoformat(as_of), "--as-of") if as_of else None
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else system.now()
    run = _run(as_json, lambda: run_lifecycle(system, as_of=moment, actor=actor))
    data = run.to_json()
    text = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in data.items() if k != "skipped")
    text += "".join(f"\n  skipped {note}" for note in run.skipped)
    _print(as_json, data, text)


def replay(
    spec: Path = typer.Option(..., "--spec", help="The architecture spec to replay through."),
    db: str | None = DB_OPTION,
    as_json: bool = _JSON,
) -> None:
    """Replay the store's history through a spec: what it would have refused or changed."""
    system = _system(spec, db)
    report = _run(as_json, lambda: replay_history(system)).to_json()
    if as_json:
        typer.echo(json.dumps(report))
        return
    for kind, counts in report.items():
        assert isinstance(counts, dict)
        typer.echo(
            f"{kind.replace('_', ' ')}: {counts['seen']} seen, {counts['refused']} refused, "
            f"{counts['changed']} changed"
        )
        for rule, count in counts["reasons"].items():
            typer.echo(f"  {count:>6}  {rule}")
        for note in counts["notes"]:
            typer.echo(f"  note: {note}")


def _system(spec: Path, db: str | None) -> RevenueSystem:
    url = _run(False, lambda: load_settings(db).database_url)
    return _run(False, lambda: RevenueSystem.build(spec, url))


def _lead_system(spec: Path, db: str | None, models: Path | None) -> RevenueSystem:
    settings = _run(False, lambda: load_settings(db))
    folder = models if models is not None else settings.data_dir / "models"
    return _run(False, lambda: RevenueSystem.build(spec, settings.database_url, models_dir=folder))


def _learned_lines(outcome: LeadOutcome) -> str:
    """The learned model's word on the lead: its probability and reasons, or why not."""
    lines = []
    if outcome.conversion_probability is not None:
        lines.append(f"  conversion probability {outcome.conversion_probability:.2f}")
    lines += [f"  {reason.text}" for reason in outcome.learned_reasons]
    return "".join(f"\n{line}" for line in lines)


def _when(system: RevenueSystem, at: str | None) -> datetime:
    if at is None:
        return system.now()
    moment = _parse(lambda: datetime.fromisoformat(at), "--at")
    if moment.tzinfo is None:
        fail(f"--at {at}: give a time zone (e.g. {at}+00:00)")
    return moment


def _parse(read: Callable[[], T], option: str) -> T:
    try:
        return read()
    except ValueError as exc:
        fail(f"{option}: {exc}")


def _run(as_json: bool, step: Callable[[], T]) -> T:
    """Run ``step``; an L2O error is one line on stderr (and JSON on stdout) and exit 1."""
    try:
        return step()
    except CommandRefused as exc:
        if as_json:
            typer.echo(json.dumps({"error": exc.to_json()}))
        fail(str(exc))
    except L2OError as exc:
        fail(str(exc))


def _print(as_json: bool, data: dict[str, Any], text: str) -> None:
    typer.echo(json.dumps(data, default=str) if as_json else text)
