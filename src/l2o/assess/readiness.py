"""AI readiness (0-4): can the data and process support AI revenue agents?

Data quality (completeness of the fields models need, duplicate rate, stage history, picklist
consistency) is mapped to a level by the rubric's thresholds, then weighted with the
pipeline, signals and ICP scores by the rubric's weights. Below 2.0 the company is not ready,
and ``reasons`` says which component held it back::

    DataQuality(model_fields_completeness=0.62, duplicate_rate=0.09,
                stage_history_share=0.0, picklist_consistency=0.8, n=4_000)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean

from l2o.assess.dimensions import DIMENSION_TITLES, Dimension
from l2o.assess.results import AiReadiness, MetricValue
from l2o.assess.rubrics import AiReadinessRubric

__all__ = ["AI_READY_AT", "DataQuality", "ai_readiness"]

AI_READY_AT = 2.0
"""Below this AI readiness the company is not ready to deploy AI revenue agents."""


@dataclass(frozen=True)
class DataQuality:
    """The data-quality inputs of AI readiness, as shares 0-1 measured over ``n`` records."""

    model_fields_completeness: float | None = None
    duplicate_rate: float | None = None
    stage_history_share: float | None = None
    picklist_consistency: float | None = None
    n: int = 0

    def values(self) -> dict[str, MetricValue]:
        """The inputs as metric values, by name, for scoring against the rubric."""
        names = (
            "model_fields_completeness",
            "duplicate_rate",
            "stage_history_share",
            "picklist_consistency",
        )
        return {name: MetricValue(name, getattr(self, name), self.n) for name in names}


def ai_readiness(
    rubric: AiReadinessRubric,
    data_quality: DataQuality | None,
    scores: Mapping[Dimension, float | None],
) -> AiReadiness:
    """AI readiness from data quality and the dimension ``scores`` the rubric weights.

    A component without a value is left out (and named in the reasons); the other weights
    are renormalised. With no component at all the score is ``None`` and not ready.
    """
    components: dict[str, float] = {}
    reasons: list[str] = []
    dq_level = _data_quality_level(rubric, data_quality, reasons)
    if dq_level is not None:
        components["data_quality"] = dq_level
    for name in rubric.weights:
        if name == "data_quality":
            continue
        score = scores.get(name)
        title = DIMENSION_TITLES[name]
        if score is None:
            reasons.append(f"{title} has no score, so it cannot count towards readiness")
        else:
            components[name] = score
            if score < AI_READY_AT:
                reasons.append(f"{title} scores {score:.1f}, below {AI_READY_AT:.1f}")
    weights = {k: w for k, w in rubric.weights.items() if k in components}
    if not weights:
        return AiReadiness(None, False, (*reasons, "nothing to score AI readiness on"))
    total = sum(weights.values())
    score = sum(components[k] * w for k, w in weights.items()) / total
    return AiReadiness(score, score >= AI_READY_AT, tuple(reasons))


def _data_quality_level(
    rubric: AiReadinessRubric, data_quality: DataQuality | None, reasons: list[str]
) -> float | None:
    if "data_quality" not in rubric.weights:
        return None
    values = data_quality.values() if data_quality else {}
    levels: list[int] = []
    for rule in rubric.data_quality:
        value = values.get(rule.name)
        label = rule.name.replace("_", " ")
        if value is None or value.value is None or value.n < rule.min_n:
            reasons.append(f"data quality: {label} not measured (insufficient evidence)")
            continue
        level = rule.level(value.value)
        levels.append(level)
        if level < AI_READY_AT:
            reasons.append(f"data quality: {label} is {value.value:.2f} (level {level})")
    return fmean(levels) if levels else None
