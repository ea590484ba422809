"""Metrics on a simulated company: win rates against the simulator's own records, and the
as-of rebuild against forecasting's independent snapshot of the same deals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from l2o.analytics.forecast import day_number, read_neutral_csv
from l2o.analytics.metrics import compute_metrics, deal_facts, deal_state
from l2o.analytics.metrics._window import window_for
from l2o.entrypoints.cli.app import app
from l2o.services.metrics_reading import open_metrics_tables

pytestmark = pytest.mark.slow

AS_OF = date(2024, 9, 30)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    base = tmp_path_factory.mktemp("simulated")
    url = f"sqlite:///{base / 'l2o.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = runner.invoke(
        app,
        ["simulate", "--leads", "1500", "--seed", "4", "--db", url, "--csv-dir", str(base / "csv")],
    )
    assert result.exit_code == 0, result.output
    return url, base / "csv"


def _opportunities(csv: Path) -> dict[str, np.ndarray]:
    import pyarrow.csv as pcsv

    table = pcsv.read_csv(csv / "opportunities.csv")
    return {c: np.asarray(table.column(c).to_pylist(), dtype=object) for c in table.column_names}


@pytest.mark.parametrize("backend", ["sqlite", "duckdb"])
def test_win_rate_matches_the_simulated_truth(company: tuple[str, Path], backend: str) -> None:
    url, csv = company
    o = _opportunities(csv)
    closed_at = np.array([day_number(v) if v else np.nan for v in o["closed_at"]])
    window = window_for(AS_OF)
    lo, hi = day_number(window.start), day_number(window.end) + 1
    # A deal type the CRM left blank is imported as new business (the record's default).
    new = np.isin(o["opportunity_type"], ["new_business", "", None])
    closed = new & (closed_at >= lo) & (closed_at < hi)
    won = closed & (o["is_won"] == True)  # noqa: E712 - an object array
    amount = np.array([float(v) if v not in (None, "") else np.nan for v in o["amount"]])
    with open_metrics_tables(url, backend) as tables:
        report = compute_metrics(tables, AS_OF, metrics=["win_rate_count", "win_rate_amount"])
    assert report.get("win_rate_count").n == int(closed.sum())
    assert report.get("win_rate_count").value == pytest.approx(won.sum() / closed.sum())
    priced = closed & ~np.isnan(amount)
    assert report.get("win_rate_amount").value == pytest.approx(
        np.nansum(amount[won & priced]) / np.nansum(amount[priced])
    )


def test_open_deals_as_of_match_the_forecast_snapshot(company: tuple[str, Path]) -> None:
    url, csv = company
    history = read_neutral_csv(csv)
    snapshot = history.as_of(day_number(AS_OF) + 1.0 - 1e-9)  # the end of the as-of day
    expected = {
        str(history.ids[d]): (snapshot.stages[s] if s >= 0 else None, a)
        for d, s, a in zip(snapshot.deal, snapshot.stage, snapshot.amount, strict=True)
    }
    window = window_for(AS_OF)
    with open_metrics_tables(url) as tables:
        facts = deal_facts(tables, window.cutoff)
        state = deal_state(tables, window.cutoff)
        joined = facts.filter(~facts.closed).left_join(state, facts.id == state.opportunity_id)
        rows = joined.select(facts.id, state.stage, state.stage_amount).to_pyarrow().to_pylist()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        source = dict(conn.execute(sa.text("SELECT id, source_id FROM opportunities")).all())
    engine.dispose()
    found = {source[r["id"]]: (r["stage"], r["stage_amount"]) for r in rows}
    assert set(found) == set(expected)
    for deal, (stage, amount) in expected.items():
        assert found[deal][0] == stage
        assert found[deal][1] == pytest.approx(amount, nan_ok=True)
