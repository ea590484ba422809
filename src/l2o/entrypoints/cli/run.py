"""``l2o run`` - the main job on the embedded default (what ``make run`` does).

Lint every architecture spec in ``examples/``, create or migrate the store, load a company
into it - the export given with ``--data``, or else, when the store is still empty, a
simulated company whose true maturity is known - and assess it: ``assessment.json``, the
report and board brief, the 90-day plan, the proposed spec and the CRM packages in
``--out`` (``./l2o-out/``), with the revenue outcomes report (``outcomes.html``, ``.pdf``,
``.json``) beside them. Then serve the dashboard and the API on
http://127.0.0.1:8000 until interrupted, printing a new sign-in token for each persona
(``--no-serve`` stops after the assessment).
"""

from __future__ import annotations

import socket
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from l2o.entrypoints.cli import simulate as simulate_command
from l2o.entrypoints.cli.importing import print_summary, run_import
from l2o.errors import L2OError
from l2o.settings import load_settings
from l2o.spec import check_spec
from l2o.store import SqlAlchemyUnitOfWork, describe_url, engine_for, upgrade

console = Console()

SIMULATED_DIR = Path("l2o-data/simulated")


def run(
    examples: Path = typer.Option(
        Path("examples"), help="Folder of architecture specs (*.yaml) to lint."
    ),
    db: str | None = typer.Option(
        None, "--db", help="Store URL (default: $L2O_DATABASE_URL or ./l2o-data/l2o.db)."
    ),
    data: Path | None = typer.Option(
        None, "--data", help="A CRM export folder to import instead of a simulated company."
    ),
    source: str = typer.Option(
        "neutral", "--source", help="Format of --data: neutral, salesforce or hubspot."
    ),
    leads: int = typer.Option(
        5_000, "--leads", min=100, help="Leads of the simulated company (empty store only)."
    ),
    out: Path = typer.Option(
        Path("l2o-out"), "--out", help="Folder for the assessment and its deliverables."
    ),
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="End by serving the dashboard (until interrupted)."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface the dashboard listens on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port of the dashboard."),
) -> None:
    """Run the main job: lint the specs, migrate the store, load a company, assess it, serve it."""
    failed = _lint_specs(examples)

    try:
        url = load_settings(db).database_url
        before, after = upgrade(url)
    except L2OError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    state = (
        f"at {after}, nothing to migrate"
        if before == after
        else f"migrated {before or 'empty'} -> {after}"
    )
    console.print(f"store {describe_url(url)}: {state}")

    if data is not None:
        try:
            print_summary(run_import(data, source, None, url), console)
        except L2OError as exc:
            console.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc
    else:
        with SqlAlchemyUnitOfWork(engine_for(url)) as uow:
            existing = uow.leads.count()
        if existing:
            console.print(f"store holds {existing:,} leads already: no company simulated")
        else:
            console.print(
                f"no data given and the store is empty: simulating a 'defined' company "
                f"({leads:,} leads, seed 0) into the store and {SIMULATED_DIR}/"
            )
            simulate_command.simulate(
                profile="defined",
                maturity=None,
                leads=leads,
                months=24,
                seed=0,
                db=url,
                csv_dir=SIMULATED_DIR,
                truth=None,
            )

    _assess(url, out)
    _outcomes(url, out)
    if failed:
        console.print(f"[red]{failed} spec(s) invalid[/]")
        raise typer.Exit(1)
    if serve:
        _serve(url, _served_spec(out), host, port)


def _served_spec(out: Path) -> Path:
    """The architecture the served commands apply: the simulated company's own when it was
    simulated, else the one the assessment proposes."""
    simulated = SIMULATED_DIR / "architecture.yaml"
    return simulated if simulated.exists() else out / "architecture.proposed.yaml"


def _serve(url: str, spec: Path, host: str, port: int) -> None:
    """Serve the dashboard and the API over the store at ``url`` until interrupted."""
    import uvicorn

    from l2o.entrypoints.server import create_app
    from l2o.entrypoints.serving import make_ready
    from l2o.services.demo_access import demo_tokens

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            console.print(
                f"[red]error:[/] cannot serve on {host}:{port} ({exc.strerror}): "
                "pass another --port, or --no-serve"
            )
            raise typer.Exit(1) from exc
    engine = engine_for(url)
    try:
        tokens = demo_tokens(engine)
        app = create_app(engine, spec=spec, models_dir=load_settings(None).data_dir / "models")
    except L2OError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    console.print(f"dashboard: http://{host}:{port}/ (API docs at /api/docs), applying {spec}")
    console.print("sign in with one of these tokens (shown once; `l2o token create` makes more):")
    for demo in tokens:
        console.print(
            f"  {demo.persona:<9} {escape(demo.name)} ({demo.access_role}): {demo.token}",
            soft_wrap=True,
        )
    console.print("Ctrl+C stops the server")
    make_ready(app)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _assess(url: str, out: Path) -> None:
    """Assess the company in the store and write every deliverable to ``out``."""
    from l2o.services.assessment_package import write_assessment  # seconds to load

    engine = engine_for(url)
    try:
        with console.status("assessing") as status:
            package = write_assessment(
                engine, out, name="l2o run", progress=lambda step: status.update(step)
            )
    except L2OError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    document = package.document
    index = "not scored" if document["index"] is None else f"{document['index']:.2f}"
    console.print(
        f"assessed: L2O Index {index} of 4 (sector average 1.6, Revenue Machine 3.0); "
        f"{len(package.files)} files in {out}/ - open {out / 'report.html'} "
        f"or {out / 'board-brief.pdf'}"
    )


def _outcomes(url: str, out: Path) -> None:
    """Write the revenue outcomes report (metrics, forecast and its track record,
    attribution, retention) beside the assessment in ``out``."""
    from l2o.services.outcomes_report import write_outcomes

    try:
        with console.status("reporting outcomes") as status:
            package = write_outcomes(url, out, progress=lambda step: status.update(step))
    except L2OError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    sections = package.figures["sections"]
    skipped = [name.replace("_", " ") for name, section in sections.items() if section["skipped"]]
    note = f" ({', '.join(skipped)} skipped: see the report)" if skipped else ""
    console.print(
        f"outcomes: metrics, forecast of {package.figures['period'] or 'no period'} with its "
        f"track record, attribution and retention{note} - open {out / 'outcomes.html'} "
        f"or {out / 'outcomes.pdf'}"
    )


def _lint_specs(examples: Path) -> int:
    """Check every spec in ``examples``; print each verdict; return how many are invalid."""
    specs = sorted(examples.glob("*.yaml")) + sorted(examples.glob("*.yml"))
    if not specs:
        console.print(f"[red]error:[/] no architecture specs (*.yaml) in {examples}")
        raise typer.Exit(1)
    failed = 0
    for path in specs:
        report = check_spec(path)
        verdict = "[green]valid[/]" if report.ok else "[red]invalid[/]"
        console.print(
            f"spec {path}: {verdict}, {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s)"
        )
        for problem in report.errors:
            console.print(f"  [red]error[/] {escape(str(problem))}")
        failed += not report.ok
    if failed:
        console.print(f"[red]{failed} of {len(specs)} spec(s) invalid[/]")
    return failed
