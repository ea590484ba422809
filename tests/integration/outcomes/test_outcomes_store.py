"""Attribution and forecasts read from the store agree with the same models read from the CSV
set the store was imported from, on SQLite and PostgreSQL.

Forecast inputs compare exactly: opportunities and their history are not deduplicated.
Attribution compares exactly once the store's lead merges are applied to the CSV rows too
(``csv_after_merges``): a merge moves the loser's touches to its master, so two journeys
become one and the loser's own conversion is gone - the only way the inputs may differ.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from outcomes_store import csv_after_merges, merged_leads
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from l2o.analytics.attribution import MODELS, Journeys, make_model
from l2o.analytics.attribution import read_neutral_csv as read_journeys_csv
from l2o.analytics.forecast import METHODS, ForecastMethod, MonteCarlo, backtest, score
from l2o.analytics.forecast import read_neutral_csv as read_history_csv
from l2o.entrypoints.cli.app import app
from l2o.services.attribution_reading import read_campaign_names, read_store_journeys
from l2o.services.forecast_reading import read_store_history

pytestmark = pytest.mark.slow

_HISTORY_ARRAYS = (
    "ids",
    "created",
    "closed",
    "won",
    "amount",
    "owner",
    "segment",
    "event_deal",
    "event_time",
    "event_stage",
    "event_amount",
    "event_close",
    "change_deal",
    "change_time",
    "change_close",
)


def _credits(journeys: Journeys, model: str) -> dict[str, dict[str, float]]:
    return make_model(model).fit(journeys).credits_.as_dict()


def _assert_same_credits(
    store: dict[str, dict[str, float]], files: dict[str, dict[str, float]]
) -> None:
    assert store.keys() == files.keys()
    for name, row in files.items():
        assert store[name]["conversions"] == pytest.approx(row["conversions"], rel=1e-9, abs=1e-9)
        assert store[name]["value"] == pytest.approx(row["value"], rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("outcome", ["pipeline", "revenue"])
def test_attribution_credits_from_the_store_match_the_csv(
    company_store: Engine, company_csv: Path, tmp_path: Path, outcome: str
) -> None:
    merged_csv = csv_after_merges(company_csv, company_store, tmp_path / "merged")
    store = read_store_journeys(company_store, outcome=outcome)
    files = read_journeys_csv(merged_csv, outcome=outcome)
    assert store.n_journeys == files.n_journeys
    assert store.conversions.sum() == pytest.approx(files.conversions.sum())
    assert store.excluded["touches_after_outcome"] == files.excluded["touches_after_outcome"]
    for model in MODELS:
        _assert_same_credits(_credits(store, model), _credits(files, model))
    _assert_same_credits(
        _credits(store.by_campaign(), "linear"), _credits(files.by_campaign(), "linear")
    )


def test_merged_leads_are_the_only_difference_from_the_raw_csv(
    company_store: Engine, company_csv: Path
) -> None:
    store = read_store_journeys(company_store)
    raw = read_journeys_csv(company_csv)
    merged = merged_leads(company_store)
    assert store.n_journeys + store.excluded["journeys_without_touches"] == (
        raw.n_journeys + raw.excluded["journeys_without_touches"] - len(merged)
    )
    # A merge moves touches, it never drops one.
    kept, late = store.touches.size, store.excluded["touches_after_outcome"]
    assert kept + late == raw.touches.size + raw.excluded["touches_after_outcome"]


def test_deal_history_from_the_store_matches_the_csv(
    company_store: Engine, company_csv: Path
) -> None:
    store = read_store_history(company_store)
    files = read_history_csv(company_csv)
    for name in _HISTORY_ARRAYS:
        mine, theirs = getattr(store, name), getattr(files, name)
        if mine.dtype.kind in "Ob":
            assert np.array_equal(mine, theirs), name
        else:
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9, err_msg=name)
    assert store.stages == files.stages
    assert store.probabilities == files.probabilities
    assert store.categories == files.categories

    methods: list[Callable[[], ForecastMethod]] = [
        m for n, m in METHODS.items() if n != MonteCarlo.name
    ]
    methods.append(lambda: MonteCarlo(n_simulations=500, seed=3))
    from_store = score(backtest(store, methods, kind="quarter"))
    from_files = score(backtest(files, methods, kind="quarter"))
    assert [s.__dict__ for s in from_store] == [s.__dict__ for s in from_files]


def test_cli_reads_the_store_by_default(company_store: Engine, company_csv: Path) -> None:
    url = company_store.url.render_as_string(hide_password=False)
    runner = CliRunner()
    common = ["--period", "2024Q3", "--as-of", "2024-08-01", "--simulations", "500", "--json"]
    from_store = runner.invoke(
        app, ["forecast", *common, "--backtest"], env={"L2O_DATABASE_URL": url}
    )
    assert from_store.exit_code == 0, from_store.output
    from_files = runner.invoke(
        app, ["forecast", *common, "--backtest", "--csv-dir", str(company_csv)]
    )
    assert from_files.exit_code == 0, from_files.output
    store_json, files_json = json.loads(from_store.stdout), json.loads(from_files.stdout)
    assert store_json["methods"] == files_json["methods"]
    assert store_json["backtest"] == files_json["backtest"]

    result = runner.invoke(app, ["attribution", "--model", "linear", "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    channels = json.loads(result.stdout)["channels"]
    _assert_same_credits(channels, _credits(read_store_journeys(company_store), "linear"))


def test_cli_refuses_two_inputs(company_csv: Path, sqlite_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["attribution", "--db", sqlite_url, "--csv-dir", str(company_csv)])
    assert result.exit_code == 1
    assert "not both" in result.output
    result = runner.invoke(
        app, ["forecast", "--period", "2024Q3", "--db", sqlite_url, "--csv-dir", str(company_csv)]
    )
    assert result.exit_code == 1
    assert "one of" in result.output


def test_campaign_names_name_every_campaign_credit_is_given_to(
    company_store: Engine, company_csv: Path
) -> None:
    """Credit per campaign is keyed by source key (as from the CSV set); the names read with
    the journeys are the names in the campaigns file, for every campaign that earned credit."""
    names = read_campaign_names(company_store)
    with (company_csv / "campaigns.csv").open(newline="") as handle:
        in_file = {row["id"]: row["name"] for row in csv.DictReader(handle)}
    assert names == in_file
    credited = _credits(read_store_journeys(company_store).by_campaign(), "linear")
    assert credited
    assert set(credited) <= set(names)
