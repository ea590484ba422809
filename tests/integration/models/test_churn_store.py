"""Churn evaluated over the store like the other tasks: the same landmarks, labels and
figures as the CSV the store was imported from, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from l2o.analytics.models import ModelError
from l2o.analytics.retention import RetentionError, evaluate_churn, read_subscriptions_csv
from l2o.ingest import adapter_for
from l2o.services.importing import import_directory
from l2o.services.modeling import evaluate_task, train_task
from l2o.simulate import simulate, write_csv


@pytest.fixture(scope="module")
def churning_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A founder-led company over three years (10,000 leads): enough churns to split."""
    folder = tmp_path_factory.mktemp("churn-store")
    write_csv(simulate("founder-led", {}, leads=10_000, months=36, seed=2), folder)
    return folder


def test_churn_evaluates_on_the_store_as_on_its_csv(
    engine: Engine, churning_dir: Path, tmp_path: Path
) -> None:
    import_directory(engine, churning_dir, adapter_for("neutral"))
    evaluation = evaluate_task(engine, "churn", test_share=0.25)
    from_csv = evaluate_churn(read_subscriptions_csv(churning_dir), test_share=0.25)

    assert evaluation.split.cutoff == pytest.approx(from_csv.split.cutoff, abs=1.0)
    assert evaluation.split.test.size == from_csv.split.test.size
    assert evaluation.train_outcomes == from_csv.train_outcomes
    for model in ("rules", "learned"):
        ours, theirs = evaluation.report(model), from_csv.report(model)
        assert ours.positives == theirs.positives >= 10
        assert ours.auc == pytest.approx(theirs.auc, abs=0.02)
        assert ours.brier == pytest.approx(theirs.brier, abs=0.005)
    learned, rules = evaluation.report("learned"), evaluation.report("rules")
    assert learned.auc is not None
    assert rules.auc is not None
    assert learned.auc > rules.auc
    assert evaluation.drift.n_recent == evaluation.split.test.size

    with pytest.raises(ModelError, match="l2o retention"):
        train_task(engine, "churn", tmp_path / "models")


def test_an_empty_store_has_no_customers_to_evaluate(engine: Engine) -> None:
    with pytest.raises(RetentionError, match="no contracts"):
        evaluate_task(engine, "churn")
