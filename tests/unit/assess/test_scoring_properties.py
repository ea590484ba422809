"""Invariants of scoring: levels stay in 0-4 and the index lies within its dimensions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from l2o.assess import DIMENSIONS, MetricRule, MetricValue, load_rubric, score_assessment

RUBRIC = load_rubric()
METRICS = [rule for d in DIMENSIONS for rule in RUBRIC.for_dimension(d).metrics]

values = st.lists(
    st.tuples(
        st.sampled_from(METRICS),
        st.one_of(st.none(), st.floats(-10, 1000, allow_nan=False)),
        st.integers(0, 500),
    ),
    max_size=25,
)
said = st.dictionaries(st.sampled_from(DIMENSIONS), st.floats(0, 4, allow_nan=False))


@given(values, said)
def test_levels_in_range_and_index_between_dimensions(
    evidence: list[tuple[MetricRule, float | None, int]], said_scores: dict[str, float]
):
    metrics = [MetricValue(rule.name, value, n) for rule, value, n in evidence]
    result = score_assessment(RUBRIC, metrics, said=said_scores)
    for dimension in result.dimensions:
        for metric in dimension.metrics:
            assert metric.level is None or 0 <= metric.level <= 4
        assert dimension.score is None or 0 <= dimension.score <= 4
    scores = [d.score for d in result.dimensions if d.score is not None]
    if scores:
        assert result.index is not None
        assert min(scores) - 1e-9 <= result.index <= max(scores) + 1e-9
    else:
        assert result.index is None
