"""The revenue outcomes report: the figures a board or an adviser reads about outcomes,
gathered from the store with the same calls as the commands that print them, then written
as ``outcomes.html``, ``outcomes.pdf`` and ``outcomes.json`` by :mod:`l2o.publish`::

    from l2o.services.outcomes_report import gather_outcomes, write_outcomes

    figures = gather_outcomes("sqlite:///l2o.db", "2025Q3")   # plain data, as outcomes.json
    figures["sections"]["forecast"]["methods"]["monte_carlo"]["p90"]
    package = write_outcomes("sqlite:///l2o.db", Path("out"))   # out/outcomes.html, .pdf, .json

Each section is what its command says for the same store:

- ``metrics``: ``l2o metrics --json`` (the twelve months to the store's last day, whole
  company);
- ``forecast``: ``l2o forecast --period PERIOD --json`` (default: the quarter still open);
- ``track_record``: the ``backtest`` of ``l2o forecast --backtest`` for periods of the same
  kind, and the method that has earned trust;
- ``attribution``: ``l2o attribution --json`` for the default model (pipeline created and
  revenue won) and every model's pipeline credit for comparison;
- ``retention``: ``l2o retention``'s churn concordance, hold-out and health-score validity.

A section the store cannot support keeps ``skipped`` with the reason (``insufficient
evidence: ...``) instead of its figures, so one missing input never hides the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from l2o import publish
from l2o.analytics.attribution import DEFAULT_MODEL, MODELS, make_model
from l2o.analytics.forecast import DealHistory, InsufficientEvidence, Period, parse_period
from l2o.analytics.metrics import compute_metrics
from l2o.errors import L2OError
from l2o.publish.outcome_charts import earned_trust
from l2o.services.attribution_reading import read_store_journeys
from l2o.services.forecast_reading import read_store_history
from l2o.services.forecasting import (
    BACKTEST_WEEKS,
    SEED,
    SIMULATIONS,
    backtest_methods,
    default_period,
    forecast_period,
)
from l2o.services.metrics_reading import open_metrics_tables
from l2o.services.retention import retention_report
from l2o.store import describe_url, engine_for, ensure_current
from l2o.store.schema import leads, opportunities

__all__ = ["SECTIONS", "OutcomesPackage", "gather_outcomes", "write_outcomes"]

SECTIONS = ("metrics", "forecast", "track_record", "attribution", "retention")
"""The report's sections, in reading order."""

INSUFFICIENT = "insufficient evidence"

_FORECAST_SECTIONS = ("forecast", "track_record")

Progress = Callable[[str], None]

Figures = dict[str, Any] | str
"""A section's figures, or the reason it has none (``insufficient evidence: ...``)."""


@dataclass
class OutcomesPackage:
    """The figures behind the report and the files written from them."""

    figures: dict[str, Any]
    files: list[Path] = field(default_factory=list)


def gather_outcomes(
    store: str | URL | Engine,
    period: str | None = None,
    *,
    progress: Progress | None = None,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> dict[str, Any]:
    """Every section's figures over ``store`` as plain data (what ``outcomes.json`` holds):
    ``{"store", "period", "sections": {SECTION: {...figures, "skipped": None | reason}}}``.

    ``period`` (``2025Q3``, ``2025-07``, ``2025``) is the period forecast, default the
    quarter still open on the store's last day; a malformed one raises
    :class:`~l2o.analytics.forecast.ForecastError`. ``progress`` is told each step.
    """
    tell = progress or (lambda _step: None)
    target = parse_period(period) if period else None
    engine = store if isinstance(store, Engine) else engine_for(store)
    sections: dict[str, dict[str, Any]] = {}
    try:
        ensure_current(engine)
        tell("measuring the revenue metrics")
        sections["metrics"] = _section(lambda: _metrics(engine))
        target, forecasts = _forecast_sections(engine, target, tell, simulations, seed)
        sections.update(forecasts)
        tell("crediting channels with every attribution model")
        sections["attribution"] = _section(lambda: _attribution(engine))
        tell("scoring churn and the health score")
        sections["retention"] = _section(lambda: _retention(engine))
    finally:
        if not isinstance(store, Engine):
            engine.dispose()
    return {
        "store": describe_url(engine.url),
        "period": target.label if target is not None else None,
        "sections": {name: sections[name] for name in SECTIONS},
    }


def write_outcomes(
    store: str | URL | Engine,
    out: Path,
    period: str | None = None,
    *,
    progress: Progress | None = None,
    simulations: int = SIMULATIONS,
    seed: int = SEED,
) -> OutcomesPackage:
    """Gather the figures (:func:`gather_outcomes`) and write ``outcomes.html``,
    ``outcomes.pdf`` and ``outcomes.json`` into ``out`` (created if missing)."""
    tell = progress or (lambda _step: None)
    figures = gather_outcomes(store, period, progress=tell, simulations=simulations, seed=seed)
    tell("writing the outcomes report (HTML, PDF, JSON)")
    return OutcomesPackage(figures, publish.write_outcomes_report(figures, out))


# --- sections -------------------------------------------------------------------------


def _forecast_sections(
    engine: Engine, target: Period | None, tell: Progress, simulations: int, seed: int
) -> tuple[Period | None, dict[str, dict[str, Any]]]:
    """The forecast and its track record from one read of the deal history, and the period
    forecast (``target``, else the quarter still open; ``None`` without deals)."""
    tell("reading the deal history")
    try:
        history = read_store_history(engine)
    except L2OError as exc:
        return target, {name: _skipped(_reason(exc)) for name in _FORECAST_SECTIONS}
    if history.size == 0:
        reason = _insufficient("no deals in the store")
        return target, {name: _skipped(reason) for name in _FORECAST_SECTIONS}
    period = target or default_period(history)
    tell(f"forecasting {period.label} with every method")
    forecast = _section(partial(_forecast, history, period, simulations, seed))
    tell(f"backtesting every method over past {period.kind}s (the slow part)")
    record = _section(partial(_track_record, history, period, simulations, seed))
    return period, {"forecast": forecast, "track_record": record}


def _section(compute: Callable[[], Figures]) -> dict[str, Any]:
    """A section's figures with ``skipped`` None, or only the reason it has none."""
    try:
        figures = compute()
    except L2OError as exc:
        return _skipped(_reason(exc))
    return _skipped(figures) if isinstance(figures, str) else {"skipped": None, **figures}


def _skipped(reason: str) -> dict[str, Any]:
    return {"skipped": reason}


def _insufficient(what: str) -> str:
    return what if what.startswith(INSUFFICIENT) else f"{INSUFFICIENT}: {what}"


def _reason(exc: L2OError) -> str:
    return _insufficient(str(exc)) if isinstance(exc, InsufficientEvidence) else str(exc)


def _metrics(engine: Engine) -> Figures:
    """``l2o metrics --json`` over the whole company."""
    if not _has_rows(engine, leads) and not _has_rows(engine, opportunities):
        return _insufficient("no leads or deals in the store")
    with open_metrics_tables(engine.url) as tables:
        report = compute_metrics(tables)
    if not any(v.measured for v in report.values):
        return _insufficient("no metric could be measured (no leads or deals in the window)")
    return report.to_dict()


def _has_rows(engine: Engine, table: sa.Table) -> bool:
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None
        )


def _forecast(history: DealHistory, target: Period, simulations: int, seed: int) -> Figures:
    """``l2o forecast --period PERIOD --json``."""
    figures = forecast_period(history, target, simulations=simulations, seed=seed).as_json()
    if all(m["expected"] is None for m in figures["methods"].values()):
        reasons = "; ".join(f"{n}: {m['how']}" for n, m in figures["methods"].items())
        return _insufficient(f"no method could forecast {target.label} ({reasons})")
    return figures


def _track_record(history: DealHistory, target: Period, simulations: int, seed: int) -> Figures:
    """``l2o forecast --backtest``'s scores and the method that has earned trust."""
    scores = backtest_methods(
        history, target.kind, BACKTEST_WEEKS, simulations=simulations, seed=seed
    )
    if not any(s.mape is not None for s in scores):
        return _insufficient(f"no past {target.kind} with bookings to score the methods on")
    trust = earned_trust(scores)
    return {
        "kind": target.kind,
        "weeks": list(BACKTEST_WEEKS),
        "scores": [asdict(s) for s in scores],
        "trusted": None if trust is None else {**asdict(trust), "sentence": trust.sentence},
    }


def _attribution(engine: Engine) -> Figures:
    """``l2o attribution --json`` for the default model on pipeline created, its revenue
    credit beside it, and every model's pipeline credit (or why a model refused)."""
    pipeline = read_store_journeys(engine, outcome="pipeline")
    revenue = read_store_journeys(engine, outcome="revenue")
    if pipeline.n_journeys == 0 or not pipeline.conversions.sum():
        return _insufficient("no touchpoints ending in a conversion to credit")
    chosen = make_model(DEFAULT_MODEL).fit(pipeline).credits_
    models: dict[str, dict[str, dict[str, float]]] = {}
    refused: dict[str, str] = {}
    for name in MODELS:
        try:
            models[name] = make_model(name).fit(pipeline).credits_.as_dict()
        except L2OError as exc:
            refused[name] = str(exc)
    try:
        won: dict[str, dict[str, float]] | None = (
            make_model(DEFAULT_MODEL).fit(revenue).credits_.as_dict()
        )
    except L2OError as exc:
        won, refused[f"{DEFAULT_MODEL} (revenue)"] = None, str(exc)
    return {
        "model": chosen.model,
        "channels": chosen.as_dict(),
        "revenue": won,
        "method": chosen.method,
        "journeys": chosen.n_journeys,
        "paths": chosen.n_paths,
        "source": pipeline.source,
        "excluded": {k: v for k, v in pipeline.excluded.items() if v},
        "models": models,
        "refused": refused,
    }


def _retention(engine: Engine) -> Figures:
    """``l2o retention``'s churn model and health-score validity (not the customer list);
    with too few churns for a model, the retention curve and ``insufficient`` saying why."""
    report = retention_report(engine, top=0).to_json()
    report.pop("at_risk", None)
    if not report["customers"]:
        return _insufficient(str(report["insufficient"] or "no customers in the store"))
    if report["insufficient"]:
        report["insufficient"] = _insufficient(str(report["insufficient"]))
    return report
