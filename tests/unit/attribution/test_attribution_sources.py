"""Reading journeys from files; one outcome interface for pipeline and revenue."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from l2o.analytics.attribution import (
    MODELS,
    AttributionError,
    Linear,
    make_model,
    read_neutral_csv,
    read_paths_csv,
)
from l2o.simulate import simulate, write_csv


def test_paths_csv_plain_and_gzipped(tmp_path: Path):
    text = "path,total_conversions,total_conversion_value,total_null\na > b,1,5.5,2\nb,0,0,3\n"
    (tmp_path / "p.csv").write_text(text)
    (tmp_path / "p.csv.gz").write_bytes(gzip.compress(text.encode()))
    for name in ("p.csv", "p.csv.gz"):
        j = read_paths_csv(tmp_path / name)
        assert j.channels == ("a", "b")
        assert j.n_journeys == 6
        assert j.value.sum() == 5.5
        assert j.source == name


def test_paths_csv_errors_name_file_and_column(tmp_path: Path):
    (tmp_path / "p.csv").write_text("route,total_conversions\na,1\n")
    with pytest.raises(AttributionError, match=r"p\.csv: missing column\(s\) path"):
        read_paths_csv(tmp_path / "p.csv")
    with pytest.raises(AttributionError, match="no such file"):
        read_paths_csv(tmp_path / "none.csv")
    (tmp_path / "q.csv").write_text("path,total_conversions\na,one\n")
    with pytest.raises(AttributionError, match=r"q\.csv"):
        read_paths_csv(tmp_path / "q.csv")


@pytest.fixture(scope="module")
def company_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("company")
    write_csv(simulate("defined", leads=3_000, seed=2), folder)
    return folder


def test_neutral_csv_pipeline_and_revenue(company_dir: Path):
    pipeline = read_neutral_csv(company_dir)
    revenue = read_neutral_csv(company_dir, outcome="revenue")
    assert pipeline.channels == revenue.channels
    assert 0 < revenue.conversions.sum() < pipeline.conversions.sum()
    assert revenue.value.sum() > 0
    attributed = pipeline.conversions.sum() + pipeline.excluded["conversions_without_touches"]
    leads = (company_dir / "leads.csv").read_text().splitlines()
    header = leads[0].split(",")
    converted = sum(1 for row in leads[1:] if row.split(",")[header.index("converted_at")])
    assert attributed == converted
    for name in MODELS:
        credits = make_model(name).fit(revenue).credits_
        assert credits.conversions.sum() == pytest.approx(revenue.conversions.sum())
        assert credits.value.sum() == pytest.approx(revenue.value.sum())
    campaigns = Linear().fit(pipeline.by_campaign()).credits_
    assert all(c.startswith("CA-") for c in campaigns.channels)
    assert campaigns.conversions.sum() == pytest.approx(pipeline.conversions.sum())


def test_neutral_csv_errors(company_dir: Path, tmp_path: Path):
    with pytest.raises(AttributionError, match="unknown outcome 'wins'"):
        read_neutral_csv(company_dir, outcome="wins")
    with pytest.raises(AttributionError, match=r"give touchpoints\.csv"):
        read_neutral_csv()
    with pytest.raises(AttributionError, match=r"needs opportunities\.csv"):
        read_neutral_csv(
            touchpoints=company_dir / "touchpoints.csv",
            leads=company_dir / "leads.csv",
            outcome="revenue",
        )
