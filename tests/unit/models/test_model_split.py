"""The time-ordered split never trains on the future."""

from __future__ import annotations

import numpy as np
import pytest

from l2o.analytics.models import ModelError, time_ordered_split


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("share", [0.2, 0.25, 0.4])
def test_no_training_label_is_known_after_the_first_test_record(example_maker, seed, share):
    examples = example_maker(n=1_500, seed=seed)
    split = time_ordered_split(examples, share)
    assert examples.label_known_at[split.train].max() <= split.cutoff
    assert examples.scored_at[split.test].min() >= split.cutoff
    assert not set(split.train) & set(split.test)
    assert examples.labelled[split.train].all()
    assert examples.labelled[split.test].all()
    labelled = int(examples.labelled.sum())
    assert split.test.size == pytest.approx(share * labelled, rel=0.05)
    assert split.train.size + split.test.size + split.left_out == labelled


def test_records_straddling_the_cutoff_are_left_out(examples):
    split = time_ordered_split(examples)
    straddling = (
        examples.labelled
        & (examples.scored_at < split.cutoff)
        & (examples.label_known_at > split.cutoff)
    )
    assert split.left_out == int(straddling.sum()) > 0
    assert not np.isin(np.flatnonzero(straddling), split.train).any()


def test_too_few_outcomes_to_split(example_maker):
    with pytest.raises(ModelError, match="too few"):
        time_ordered_split(example_maker(n=15))
    with pytest.raises(ModelError, match="between 0 and 1"):
        time_ordered_split(example_maker(n=500), 1.0)
