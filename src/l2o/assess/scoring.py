"""Scoring (pure): evidence metrics to levels, dimensions to scores, the index and quadrant.

::

    from l2o.assess import MetricValue, load_rubric, score_assessment

    assessment = score_assessment(
        load_rubric(),
        evidence=[MetricValue("stalled_share", 0.18, n=240), ...],
        said={"pipeline": 2.5, ...},
        technology=2.7,
    )
    assessment.to_json()["dimensions"]["pipeline"]["score"]

Every number here comes from its inputs and the rubric; a metric below its minimum sample
reports "insufficient evidence" and takes no part in any score.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from statistics import fmean

from l2o.assess._errors import AssessmentError
from l2o.assess.cost import CostOfGap
from l2o.assess.dimensions import DIMENSION_TITLES, DIMENSIONS, Dimension
from l2o.assess.quality import data_quality_report
from l2o.assess.readiness import DataQuality, ai_readiness
from l2o.assess.results import (
    GAP_TEXT,
    Assessment,
    DimensionScore,
    MetricScore,
    MetricValue,
    Quadrant,
)
from l2o.assess.rubrics import DimensionRubric, MetricRule, Rubric
from l2o.errors import SpecProblem

__all__ = [
    "ARCHITECTURE_SPLIT",
    "GAP_THRESHOLD",
    "REVENUE_MACHINE_AT",
    "quadrant",
    "score_assessment",
    "score_dimension",
    "score_metric",
]

ARCHITECTURE_SPLIT = 2.0
"""Where the quadrant splits both axes (index and technology)."""
REVENUE_MACHINE_AT = 3.0
"""The index from which a company is a Revenue Machine."""
GAP_THRESHOLD = 1.0
"""A said/shown difference of this much or more is flagged."""


def score_metric(rule: MetricRule, value: MetricValue | None) -> MetricScore:
    """One metric's level under ``rule``; insufficient (level ``None``) below ``min_n``.

    A metric the data did not supply at all (``value is None``) is insufficient with ``n=0``.
    """
    observed = value.value if value is not None else None
    n = value.n if value is not None else 0
    sufficient = observed is not None and n >= rule.min_n
    return MetricScore(
        name=rule.name,
        value=observed,
        level=rule.level(observed) if sufficient and observed is not None else None,
        n=n,
        definition=rule.definition,
        sufficient=sufficient,
    )


def score_dimension(
    dimension: Dimension,
    rubric: DimensionRubric,
    evidence: Mapping[str, MetricValue],
    said: float | None,
) -> DimensionScore:
    """A dimension's said, shown and score, with the gap flag and, if unscored, the reason."""
    metrics = tuple(score_metric(rule, evidence.get(rule.name)) for rule in rubric.metrics)
    levels = [m.level for m in metrics if m.level is not None]
    shown = fmean(levels) if len(levels) >= rubric.min_metrics else None
    gap = None
    if said is not None and shown is not None and abs(said - shown) >= GAP_THRESHOLD:
        gap = f"said {said:.1f}, shown {shown:.1f}: {GAP_TEXT}"
    if shown is not None:
        return DimensionScore(dimension, shown, said, shown, "evidence", metrics, gap)
    if said is not None:
        return DimensionScore(dimension, said, said, None, "self-reported", metrics)
    reason = (
        f"{DIMENSION_TITLES[dimension]}: insufficient evidence in the data "
        f"({len(levels)} of {rubric.min_metrics} metric(s) needed) and no questionnaire answers"
    )
    return DimensionScore(dimension, None, None, None, None, metrics, reason=reason)


def quadrant(index: float | None, technology: float | None) -> Quadrant | None:
    """Architecture maturity x technology investment, both split at 2.0.

    >>> quadrant(1.4, 2.6)
    'Technology ahead of architecture'
    >>> quadrant(2.0, 2.0)
    'Scaling'
    """
    if index is None or technology is None:
        return None
    if index < ARCHITECTURE_SPLIT:
        return (
            "Founder-led"
            if technology < ARCHITECTURE_SPLIT
            else ("Technology ahead of architecture")
        )
    return "Ready to build" if technology < ARCHITECTURE_SPLIT else "Scaling"


def score_assessment(
    rubric: Rubric,
    evidence: Iterable[MetricValue] = (),
    said: Mapping[str, float | None] | None = None,
    technology: float | None = None,
    data_quality: DataQuality | None = None,
    cost_of_gap: CostOfGap | None = None,
) -> Assessment:
    """Score every dimension, the index, the quadrant and AI readiness.

    ``evidence`` holds the metrics computed from the data (any the rubric names; missing ones
    are reported as insufficient). ``said`` maps dimensions to questionnaire scores and
    ``technology`` is the technology-investment score (see :func:`~l2o.assess.said_scores`).
    The index is the mean of the dimensions that have a score (``None`` if none has).
    ``data_quality`` feeds AI readiness and the data-quality section; ``cost_of_gap`` is
    carried into the result as computed (see :func:`~l2o.assess.cost_of_gap`).
    Raises :class:`~l2o.assess.AssessmentError` for a metric the rubric does not know.
    """
    by_name = _by_name(rubric, evidence)
    said = said or {}
    dimensions = tuple(
        score_dimension(d, rubric.for_dimension(d), by_name, said.get(d)) for d in DIMENSIONS
    )
    scores = [d.score for d in dimensions if d.score is not None]
    index = fmean(scores) if scores else None
    readiness = ai_readiness(
        rubric.ai_readiness,
        data_quality,
        {d.dimension: d.score for d in dimensions if d.dimension in ("pipeline", "signals", "icp")},
    )
    return Assessment(
        rubric_version=rubric.version,
        dimensions=dimensions,
        index=index,
        technology=technology,
        quadrant=quadrant(index, technology),
        revenue_machine=index is not None and index >= REVENUE_MACHINE_AT,
        ai_readiness=readiness,
        cost_of_gap=cost_of_gap,
        data_quality=data_quality_report(rubric.ai_readiness, data_quality)
        if data_quality is not None
        else None,
    )


def _by_name(rubric: Rubric, evidence: Iterable[MetricValue]) -> dict[str, MetricValue]:
    known = [rule.name for d in DIMENSIONS for rule in rubric.for_dimension(d).metrics]
    by_name: dict[str, MetricValue] = {}
    problems: list[SpecProblem] = []
    for value in evidence:
        if value.name not in known:
            matches = difflib.get_close_matches(value.name, known, n=1)
            hint = f"did you mean '{matches[0]}'?" if matches else None
            problems.append(SpecProblem(f"evidence.{value.name}", "unknown metric", hint=hint))
        by_name[value.name] = value
    if problems:
        raise AssessmentError(f"evidence for rubric {rubric.version}", problems)
    return by_name
