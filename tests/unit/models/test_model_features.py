"""The leakage guard: only features known before the outcome can reach a model."""

from __future__ import annotations

import numpy as np
import pytest

from l2o.analytics.models import (
    DEAL_WIN,
    LEAD_CONVERSION,
    TASKS,
    Examples,
    FrequencyNaiveBayes,
    LeakingFeature,
    ModelError,
    task_named,
)


@pytest.mark.parametrize(
    ("task", "field"),
    [
        (LEAD_CONVERSION, "converted_at"),
        (LEAD_CONVERSION, "sql_at"),
        (LEAD_CONVERSION, "engagement_score"),
        (LEAD_CONVERSION, "touches_after:paid_search"),
        (DEAL_WIN, "stage"),
        (DEAL_WIN, "amount"),
        (DEAL_WIN, "close_date"),
    ],
)
def test_a_post_outcome_field_cannot_be_selected(task, field):
    with pytest.raises(LeakingFeature) as caught:
        task.select(["channel" if task is LEAD_CONVERSION else "pipeline", field])
    assert caught.value.field == field
    assert field in str(caught.value)
    assert task.name in str(caught.value)
    assert caught.value.why


def test_a_leaking_column_cannot_enter_examples(examples: Examples):
    columns = {**examples.columns, "status": np.full(len(examples), "converted", dtype=object)}
    with pytest.raises(LeakingFeature, match="status"):
        Examples(**{**examples.__dict__, "columns": columns})


def test_a_leaking_feature_cannot_be_asked_of_a_model(examples: Examples):
    with pytest.raises(LeakingFeature, match="mql_at"):
        FrequencyNaiveBayes(features=["channel", "mql_at"]).fit(examples)


def test_unknown_feature_is_an_error_but_not_a_leak():
    with pytest.raises(ModelError, match="not a feature") as caught:
        LEAD_CONVERSION.select(["favourite_colour"])
    assert not isinstance(caught.value, LeakingFeature)


def test_feature_families_allow_their_members_only():
    assert LEAD_CONVERSION.feature("touched:events").kind == "category"
    with pytest.raises(ModelError):
        LEAD_CONVERSION.feature("touched:")


@pytest.mark.parametrize("task", list(TASKS.values()))
def test_every_allowed_feature_says_why_and_none_is_also_a_leak(task):
    for feature in task.features:
        assert feature.why
        assert feature.name not in {leak.name for leak in task.leaking}


def test_an_outcome_known_before_its_scoring_moment_is_refused(examples: Examples):
    known_at = examples.label_known_at.copy()
    first = int(np.flatnonzero(examples.labelled)[0])
    known_at[first] = examples.scored_at[first] - 1
    with pytest.raises(ModelError, match="before its scoring moment"):
        Examples(**{**examples.__dict__, "label_known_at": known_at})


def test_tasks_by_name():
    assert task_named("deal-win") is DEAL_WIN
    with pytest.raises(ModelError, match="valid tasks"):
        task_named("churn")
