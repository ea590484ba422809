"""``l2o models`` - learned lead-conversion and deal-win scoring behind the AI-readiness gate,
and churn evaluated the same way.

::

    l2o models evaluate --task lead-conversion --spec architecture.yaml [--json]
    l2o models evaluate --task churn [--json]
    l2o models train --task deal-win --spec architecture.yaml [--models DIR] [--json]
    l2o models status [--models DIR] [--json]

``evaluate`` fits the spec's rules, a naive-Bayes frequency model and the learned model on
the outcomes known by a cutoff and reports AUC, Brier score and calibration for each on the
records scored after it. ``train`` does the same, then fits the learned model on every known
outcome, compiles it and writes ``DIR/TASK.json`` with the gate's decision: the learned
model is used only when AI readiness is at least 2.0 and it learned from enough outcomes.
``status`` says, per task, what the engine scores with from those files and why.

``--task churn`` evaluates P(churn within 90 days of a landmark day): the churn model fitted
on the store as known on a cutoff day against the CRM's health score, on the later
landmarks. There is nothing to ``train`` for churn: ``l2o retention`` fits the model on
demand and the engine scores no churn.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from l2o.analytics.models import TASKS, Evaluation
from l2o.engine import LearnedScoring
from l2o.entrypoints.cli.common import DB_OPTION, fail, guarded
from l2o.services.modeling import (
    CHURN_NOT_TRAINED,
    CHURN_TASK,
    deal_win_scoring,
    evaluate_task,
    lead_conversion_scoring,
    train_task,
)
from l2o.settings import load_settings
from l2o.spec import ArchitectureSpec, load_spec
from l2o.store import engine_for, ensure_current

app = typer.Typer(help="Learned scoring: evaluate and train lead-conversion and deal-win models.")

_TASK = typer.Option(..., "--task", help=f"{' | '.join([*TASKS, CHURN_TASK])}.")
_SPEC = typer.Option(
    None,
    "--spec",
    envvar="L2O_SPEC",
    exists=True,
    dir_okay=False,
    help="The architecture spec whose rules are the baseline (default $L2O_SPEC; none: no rules).",
    show_default=False,
)
_TEST_SHARE = typer.Option(
    0.25, "--test-share", min=0.05, max=0.5, help="Share of records in the later hold-out."
)
_JSON = typer.Option(False, "--json", help="Print the result as one JSON object.")


@app.command("evaluate")
def evaluate(
    task: str = _TASK,
    db: str | None = DB_OPTION,
    spec: Path | None = _SPEC,
    test_share: float = _TEST_SHARE,
    as_json: bool = _JSON,
) -> None:
    """Rules vs naive Bayes vs learned: AUC, Brier score, calibration on a time-ordered hold-out.

    For churn: the health score vs the churn model (``--spec`` is not used)."""
    name = _task(task)
    architecture = _spec(spec)
    engine = _engine(db)
    try:
        with Console(stderr=True).status(f"evaluating {name}"):
            evaluation = guarded(
                lambda: evaluate_task(engine, name, spec=architecture, test_share=test_share)
            )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(evaluation.to_json()))
        return
    _print_evaluation(evaluation, Console())


@app.command("train")
def train(
    task: str = _TASK,
    db: str | None = DB_OPTION,
    spec: Path | None = _SPEC,
    assessment: Path | None = typer.Option(
        None,
        "--assessment",
        exists=True,
        dir_okay=False,
        help="assessment.json whose AI readiness the gate uses (default: the latest snapshot).",
        show_default=False,
    ),
    models: Path | None = typer.Option(
        None,
        "--models",
        help="Write TASK.json here (default: DATA_DIR/models).",
        show_default=False,
    ),
    test_share: float = _TEST_SHARE,
    as_json: bool = _JSON,
) -> None:
    """Evaluate, fit on every known outcome, compile, gate, and write the model file."""
    name = _task(task)
    if name == CHURN_TASK:
        fail(CHURN_NOT_TRAINED)
    architecture = _spec(spec)
    document = _assessment(assessment) if assessment is not None else None
    folder = models or guarded(lambda: load_settings(db).data_dir) / "models"
    engine = _engine(db)
    try:
        with Console(stderr=True).status(f"training {name}"):
            trained = guarded(
                lambda: train_task(
                    engine,
                    name,
                    folder,
                    spec=architecture,
                    assessment=document,
                    test_share=test_share,
                )
            )
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({**trained.document, "path": str(trained.path)}))
        return
    console = Console()
    if trained.evaluation is not None:
        _print_evaluation(trained.evaluation, console)
    gate = trained.gate
    verdict = "learned model switched on" if gate.enabled else "the engine keeps the rules"
    console.print(f"Gate: {verdict}", highlight=False)
    for check in gate.checks:
        console.print(f"  {'ok ' if check.passed else 'no '} {escape(check.text)}", highlight=False)
    typer.echo(f"wrote {trained.path}")


@app.command("status")
def status(
    db: str | None = DB_OPTION,
    models: Path | None = typer.Option(
        None,
        "--models",
        help="Where the model files are (default: DATA_DIR/models).",
        show_default=False,
    ),
    as_json: bool = _JSON,
) -> None:
    """What the engine scores each task with - the learned model or the rules - and why."""
    folder = models or guarded(lambda: load_settings(db).data_dir) / "models"
    scorings: list[LearnedScoring[...]] = [
        lead_conversion_scoring(folder),
        deal_win_scoring(folder),
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "models": str(folder),
                    "tasks": {
                        s.task: {
                            "use": "learned" if s.enabled else "rules",
                            "source": s.source or None,
                            "why": list(s.why),
                        }
                        for s in scorings
                    },
                }
            )
        )
        return
    console = Console()
    for scoring in scorings:
        use = "learned model" if scoring.enabled else "the rules"
        source = f" ({scoring.source})" if scoring.source else ""
        console.print(f"{scoring.task}: the engine uses {use}{source}", highlight=False)
        for why in scoring.why:
            console.print(f"  {escape(why)}", highlight=False)


def _task(task: str) -> str:
    if task not in TASKS and task != CHURN_TASK:
        fail(f"--task {task}: valid tasks are {', '.join([*TASKS, CHURN_TASK])}")
    return task


def _spec(path: Path | None) -> ArchitectureSpec | None:
    return guarded(lambda: load_spec(path)) if path is not None else None


def _assessment(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"{path}: not an assessment.json ({exc})")
    if not isinstance(document, dict):
        fail(f"{path}: not an assessment.json (expected an object)")
    return document


def _engine(db: str | None) -> Any:
    url = guarded(lambda: load_settings(db).database_url)
    engine = engine_for(url)
    guarded(lambda: ensure_current(engine))
    return engine


def _num(value: float | None, places: int = 3) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def _print_evaluation(evaluation: Evaluation, console: Console) -> None:
    table = Table(title=f"{evaluation.task}: time-ordered hold-out")
    for column in ("model", "AUC", "Brier", "hold-out", "positives", "how"):
        table.add_column(column, justify="left" if column in ("model", "how") else "right")
    for report in evaluation.reports:
        table.add_row(
            report.model,
            _num(report.auc),
            _num(report.brier),
            str(report.n),
            str(report.positives),
            escape(report.how),
        )
    console.print(table)
    console.print(evaluation.split.describe(), highlight=False)
    calibration = Table(title="Calibration (reliability): mean predicted / observed rate (n)")
    calibration.add_column("bin")
    for report in evaluation.reports:
        calibration.add_column(report.model, justify="right")
    for i, first in enumerate(evaluation.reports[0].reliability):
        cells = []
        for report in evaluation.reports:
            b = report.reliability[i]
            cells.append(
                ""
                if not b.n
                else f"{_num(b.mean_predicted, 2)} / {_num(b.observed_rate, 2)} ({b.n})"
            )
        if any(cells):
            calibration.add_row(f"{first.lower:.1f}-{first.upper:.1f}", *cells)
    console.print(calibration)
    drift = evaluation.drift
    console.print(f"Drift: PSI {_num(drift.psi)} ({drift.status}); {drift.how}", highlight=False)
