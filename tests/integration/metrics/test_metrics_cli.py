"""``l2o metrics`` end to end: JSON and table output, errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from metrics_store import build_store
from typer.testing import CliRunner

from l2o.entrypoints.cli.app import app

pytestmark = pytest.mark.e2e


def test_metrics_json_carries_definitions_and_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l2o.db'}"
    book = build_store(url)
    runner = CliRunner()
    result = runner.invoke(
        app, ["metrics", "--db", url, "--as-of", "2024-12-31", "--backend", "duckdb", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["backend"] == "duckdb"
    assert report["start"] == "2024-01-01"
    win = next(m for m in report["metrics"] if m["metric"] == "win_rate_count")
    closed = [o for o in book.deals if o.closed_at and o.opportunity_type == "new_business"]
    assert win["n"] == sum(o.closed_at.year == 2024 for o in closed)
    assert win["definition"]
    assert win["how"]
    table = runner.invoke(app, ["metrics", "--db", url, "--as-of", "2024-12-31", "--by", "owner"])
    assert table.exit_code == 0, table.output
    assert "win_rate_count" in table.output
    assert "Definitions" in table.output


def test_metrics_refuses_an_unknown_grouping(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l2o.db'}"
    build_store(url)
    result = CliRunner().invoke(app, ["metrics", "--db", url, "--by", "colour"])
    assert result.exit_code == 1
    assert "cannot group metrics by 'colour'" in result.output
