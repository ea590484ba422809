"""Retention over the store reads the same customers as the CSV it was imported from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from l2o.analytics.retention import customers_from_subscriptions, read_subscriptions_csv
from l2o.ingest import adapter_for
from l2o.services.importing import import_directory
from l2o.services.retention import read_subscription_tables, retention_report
from l2o.simulate import simulate, write_csv


def test_store_and_csv_give_the_same_customers_and_churns(engine: Engine, tmp_path: Path) -> None:
    write_csv(simulate("founder-led", leads=2000, months=36, seed=2), tmp_path)
    import_directory(engine, tmp_path, adapter_for("neutral"))
    from_store = customers_from_subscriptions(read_subscription_tables(engine))
    from_csv = customers_from_subscriptions(read_subscriptions_csv(tmp_path))
    assert from_store.size == from_csv.size > 0
    assert int(from_store.churned.sum()) == int(from_csv.churned.sum())
    assert np.sort(from_store.duration) == pytest.approx(np.sort(from_csv.duration), abs=1.0)

    report = retention_report(engine, top=3)
    assert report.churned == int(from_store.churned.sum())
    assert len(report.at_risk) == 3
    assert all(0 <= r.churn_probability_90d <= 1 for r in report.at_risk)
    risks = [r.churn_probability_90d for r in report.at_risk]
    assert risks == sorted(risks, reverse=True)
