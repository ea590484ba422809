"""``l2o spec check|schema`` - validate, lint and describe architecture specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from l2o.errors import SpecProblem
from l2o.spec import SpecReport, check_spec, spec_json_schema

app = typer.Typer(help="Validate, lint and describe architecture specs.", no_args_is_help=True)


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="Spec files (YAML) to check."),
    as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
) -> None:
    """Validate and lint specs; exit 1 when any has errors (or warnings, with --strict)."""
    reports = [check_spec(path) for path in files]
    if as_json:
        typer.echo(json.dumps({"files": [_report_json(r) for r in reports]}, indent=2))
    else:
        console = Console(highlight=False, soft_wrap=True)
        for report in reports:
            _print_report(console, report)
    failed = any(not r.ok or (strict and r.warnings) for r in reports)
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(
    out: Path | None = typer.Option(None, "--out", help="Write the schema to this file."),
) -> None:
    """Print the JSON Schema of the spec format, or write it to a file."""
    text = json.dumps(spec_json_schema(), indent=2, sort_keys=True) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


def _print_report(console: Console, report: SpecReport) -> None:
    for problem in [*report.errors, *report.warnings]:
        style = "red" if problem.severity == "error" else "yellow"
        where = escape(problem.path) if problem.path else "(spec)"
        console.print(
            f"[{style}]{problem.severity}[/{style}] [bold]{where}[/bold]: "
            f"{escape(problem.message)} [dim]\\[{problem.rule}][/dim]"
        )
        if problem.hint:
            console.print(f"    [cyan]hint:[/cyan] {escape(problem.hint)}")
    status = "[green]ok[/green]" if report.ok else "[red]invalid[/red]"
    console.print(
        f"{escape(report.source)}: {status} - {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s)"
    )


def _report_json(report: SpecReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "ok": report.ok,
        "errors": [_problem_json(p) for p in report.errors],
        "warnings": [_problem_json(p) for p in report.warnings],
    }


def _problem_json(problem: SpecProblem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "message": problem.message,
        "severity": problem.severity,
        "rule": problem.rule,
        "hint": problem.hint,
    }
