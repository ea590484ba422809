"""Churn as a learned-scoring task: horizon labels with full follow-up, a time-ordered split
that keeps every landmark after the cutoff (and everything learned after it) out of training,
and "insufficient evidence" when churns are too few."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from l2o.analytics.retention import (
    CustomerHistory,
    RetentionError,
    SubscriptionTables,
    churn_split,
    customers_from_subscriptions,
    evaluate_churn,
    horizon_outcomes,
    read_subscriptions_csv,
    tables_known_by,
)
from l2o.simulate import simulate, write_csv


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> SubscriptionTables:
    """A founder-led company over three years: enough churns to split in time."""
    folder = tmp_path_factory.mktemp("churn-task")
    write_csv(simulate("founder-led", leads=10_000, months=36, seed=2), folder)
    return read_subscriptions_csv(folder)


def _history(churned: list[bool], duration: list[float], landmark: list[float]) -> CustomerHistory:
    n = len(churned)
    return CustomerHistory(
        ids=np.array([f"AC-{i}@x" for i in range(n)], dtype=object),
        duration=np.array(duration, dtype=np.float64),
        churned=np.array(churned, dtype=bool),
        features=pd.DataFrame({"x": np.zeros(n)}),
        landmark=np.array(landmark, dtype=np.float64),
    )


def test_a_label_needs_the_horizon_and_the_grace_period_followed() -> None:
    history = _history(
        churned=[True, True, True, False, False],
        duration=[40.0, 90.0, 200.0, 150.0, 100.0],
        landmark=[1000.0] * 5,
    )
    outcome, known_at = horizon_outcomes(history, horizon=90.0, grace=30.0)
    # churned at 40 and at exactly 90 days: churned within the horizon; at 200: not.
    assert outcome[:3].tolist() == [1.0, 1.0, 0.0]
    # still a customer 150 days on: followed past 90 + 30 days, so it did not churn.
    assert outcome[3] == 0.0
    # still a customer after only 100 days: the horizon passes the data's end - no outcome.
    assert np.isnan(outcome[4])
    assert np.isnan(known_at[4])
    # a churn is certain 30 days after the last contract ended; "no churn" after 90 + 30.
    assert known_at[:4].tolist() == [1070.0, 1120.0, 1120.0, 1120.0]


def test_labels_never_come_from_after_the_data_ends(tables: SubscriptionTables) -> None:
    history = customers_from_subscriptions(tables)
    assert history.landmark is not None
    # A half-year horizon: the last landmarks (every 90 days) cannot be followed that far.
    outcome, known_at = horizon_outcomes(history, horizon=180.0, grace=30.0)
    labelled = ~np.isnan(outcome)
    assert labelled.any()
    assert (~labelled).any()
    assert np.all(known_at[labelled] <= tables.as_of + 1e-9)
    unfollowed = history.landmark + 180.0 + 30.0 > tables.as_of
    assert unfollowed.any()
    # Without full follow-up only a churn already certain inside the horizon has a label.
    assert np.all(outcome[unfollowed & labelled] == 1.0)
    churned_inside = history.churned & (history.duration <= 180.0)
    assert np.all(np.isnan(outcome[unfollowed & ~churned_inside]))


def test_no_landmark_after_the_cutoff_reaches_training(tables: SubscriptionTables) -> None:
    history = customers_from_subscriptions(tables)
    assert history.landmark is not None
    outcome, known_at = horizon_outcomes(history)
    cutoff, test, _ = churn_split(history, outcome, known_at, test_share=0.25)
    assert np.all(history.landmark[test] >= cutoff)
    assert np.all(~np.isnan(outcome[test]))

    past = customers_from_subscriptions(tables_known_by(tables, cutoff))
    assert past.landmark is not None
    assert past.landmark.max() < cutoff
    assert {str(i).split("@")[1] for i in past.ids} <= {
        str(np.datetime64(int(d), "D")) for d in history.landmark[history.landmark < cutoff]
    }
    # Followed only up to the cutoff: censored there, churn judged as of that day.
    assert np.all(past.landmark + past.duration <= cutoff + 1e-9)
    past_outcome, past_known = horizon_outcomes(past)
    assert np.all(past_known[~np.isnan(past_outcome)] <= cutoff + 1e-9)


def test_what_happens_after_the_cutoff_does_not_change_training(
    tables: SubscriptionTables,
) -> None:
    history = customers_from_subscriptions(tables)
    cutoff, _, _ = churn_split(history, *horizon_outcomes(history), test_share=0.25)
    later_usage = tables.usage_at >= cutoff
    later_contracts = tables.contract_start >= cutoff
    rewritten = replace(
        tables,
        usage_active=np.where(later_usage, 0.0, tables.usage_active),
        contract_arr=np.where(later_contracts, 1.0, tables.contract_arr),
        ticket_urgent=np.where(tables.ticket_at >= cutoff, True, tables.ticket_urgent),
        as_of=tables.as_of + 365.0,
    )
    assert later_usage.any()
    assert later_contracts.any()
    before = customers_from_subscriptions(tables_known_by(tables, cutoff))
    after = customers_from_subscriptions(tables_known_by(rewritten, cutoff))
    assert before.ids.tolist() == after.ids.tolist()
    assert np.array_equal(before.duration, after.duration)
    assert np.array_equal(before.churned, after.churned)
    pd.testing.assert_frame_equal(before.features, after.features)


def test_evaluation_compares_the_churn_model_with_the_health_score(
    tables: SubscriptionTables,
) -> None:
    evaluation = evaluate_churn(tables, horizon=90.0, test_share=0.25)
    assert evaluation.task == "churn"
    assert [r.model for r in evaluation.reports] == ["rules", "learned"]
    rules, learned = evaluation.report("rules"), evaluation.report("learned")
    assert rules.n == learned.n == evaluation.split.test.size
    assert rules.positives == learned.positives >= 10
    assert "health score" in rules.how
    assert sum(b.n for b in learned.reliability) == learned.n
    # The model sees months to the term's end: in the simulator churn happens at renewal.
    assert learned.auc is not None
    assert learned.auc > 0.75
    assert learned.brier < learned.base_rate * (1 - learned.base_rate)
    document = evaluation.to_json()
    assert set(document["models"]) == {"rules", "learned"}
    assert "as known on" in document["split"]["how"]


def test_too_few_churns_is_insufficient_evidence(tmp_path: Path) -> None:
    write_csv(simulate("founder-led", leads=2_000, months=24, seed=2), tmp_path)
    with pytest.raises(RetentionError, match=r"insufficient evidence: .*\d+ "):
        evaluate_churn(read_subscriptions_csv(tmp_path))
