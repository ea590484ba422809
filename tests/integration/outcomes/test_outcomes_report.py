"""The outcomes report's figures over a simulated company's store say what the commands
behind them say (metrics, forecast, backtest, attribution, retention), on SQLite and
PostgreSQL; a store without stage history or without any data says why a section is missing.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from l2o.analytics.attribution import DEFAULT_MODEL, MODELS, make_model
from l2o.analytics.metrics import compute_metrics
from l2o.ingest import adapter_for
from l2o.publish.outcome_charts import earned_trust
from l2o.services.attribution_reading import read_store_journeys
from l2o.services.forecast_reading import read_store_history
from l2o.services.forecasting import BACKTEST_WEEKS, backtest_methods, forecast_store
from l2o.services.importing import import_directory
from l2o.services.metrics_reading import open_metrics_tables
from l2o.services.outcomes_report import SECTIONS, gather_outcomes, write_outcomes
from l2o.store import engine_for, upgrade

pytestmark = pytest.mark.slow

RUNS = 500  # Monte Carlo runs: enough to compare, quick to backtest


def _rounded(value: object) -> object:
    """``value`` with every float rounded to 9 significant digits, however deeply nested."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def test_every_section_says_what_its_command_says(company_store: Engine, tmp_path: Path):
    steps: list[str] = []
    package = write_outcomes(
        company_store, tmp_path / "out", "2025Q1", progress=steps.append, simulations=RUNS
    )
    figures = package.figures
    sections = figures["sections"]
    assert list(sections) == list(SECTIONS)
    assert {name: s["skipped"] for name, s in sections.items()} == dict.fromkeys(SECTIONS)
    assert any("backtest" in step for step in steps)

    with open_metrics_tables(company_store.url) as tables:
        metrics = compute_metrics(tables).to_dict()
    # Equal up to the last bits of a float: PostgreSQL may add up a sum in another order.
    shown = {k: v for k, v in sections["metrics"].items() if k != "skipped"}
    assert _rounded(shown) == _rounded(metrics)

    expected = forecast_store(company_store, "2025Q1", simulations=RUNS).as_json()
    shown_forecast = {k: v for k, v in sections["forecast"].items() if k != "skipped"}
    assert _rounded(shown_forecast) == _rounded(expected)

    scores = backtest_methods(
        read_store_history(company_store), "quarter", BACKTEST_WEEKS, simulations=RUNS
    )
    assert _rounded(sections["track_record"]["scores"]) == _rounded([s.__dict__ for s in scores])
    trust = earned_trust(scores)
    assert trust is not None
    assert sections["track_record"]["trusted"]["method"] == trust.method

    pipeline = read_store_journeys(company_store, outcome="pipeline")
    revenue = read_store_journeys(company_store, outcome="revenue")
    attribution = sections["attribution"]
    assert attribution["model"] == DEFAULT_MODEL
    assert attribution["channels"] == make_model(DEFAULT_MODEL).fit(pipeline).credits_.as_dict()
    assert attribution["revenue"] == make_model(DEFAULT_MODEL).fit(revenue).credits_.as_dict()
    assert set(attribution["models"]) | set(attribution["refused"]) >= set(MODELS)

    assert sections["retention"]["customers"] > 0
    assert "at_risk" not in sections["retention"]

    assert [p.name for p in package.files] == ["outcomes.html", "outcomes.pdf", "outcomes.json"]
    assert len(PdfReader(package.files[1]).pages) >= 3


def _without_stage_history(csv_dir: Path, out: Path) -> Path:
    """``csv_dir`` with stage_changes.csv emptied (its header kept)."""
    shutil.copytree(csv_dir, out)
    with (csv_dir / "stage_changes.csv").open(newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    with (out / "stage_changes.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(header)
    return out


def test_a_store_without_stage_history_says_so(
    database_url: str, company_csv: Path, tmp_path: Path
):
    engine = engine_for(database_url)
    upgrade(engine)
    import_directory(
        engine, _without_stage_history(company_csv, tmp_path / "csv"), adapter_for("neutral")
    )
    try:
        figures = gather_outcomes(engine, "2025Q1", simulations=RUNS)
    finally:
        engine.dispose()
    forecast = figures["sections"]["forecast"]
    assert forecast["skipped"] is None  # methods that need no stage history still forecast
    needing = [m for m in forecast["methods"].values() if m["expected"] is None]
    assert needing
    assert all(m["how"].startswith("insufficient evidence") for m in needing)
    stages = [
        v for v in figures["sections"]["metrics"]["metrics"] if v["metric"] == "stage_conversion"
    ]
    assert all(v["value"] is None for v in stages)


def test_an_empty_store_skips_every_section_with_a_reason(database_url: str, tmp_path: Path):
    engine = engine_for(database_url)
    upgrade(engine)
    try:
        package = write_outcomes(engine, tmp_path / "out")
    finally:
        engine.dispose()
    sections = package.figures["sections"]
    assert all(s["skipped"] for s in sections.values()), sections
    assert "no deals" in sections["forecast"]["skipped"]
    html = package.files[0].read_text(encoding="utf-8")
    assert html.count("Section skipped") == len(SECTIONS)
