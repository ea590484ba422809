"""The data-quality section of ``assessment.json``: the four inputs, each scored by the rubric."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean
from typing import Any

from l2o.assess.readiness import DataQuality
from l2o.assess.results import MetricScore
from l2o.assess.rubrics import AiReadinessRubric

__all__ = ["DataQualityReport", "data_quality_report"]


@dataclass(frozen=True)
class DataQualityReport:
    """Each data-quality input with its level, and their mean (``None`` if none is measured)."""

    score: float | None
    inputs: tuple[MetricScore, ...]

    def to_json(self) -> dict[str, Any]:
        """Data quality as in ``assessment.json``."""
        return {"score": self.score, "inputs": [m.to_json() for m in self.inputs]}


def data_quality_report(
    rubric: AiReadinessRubric, data_quality: DataQuality | None
) -> DataQualityReport:
    """Score every data-quality input the rubric names; unmeasured ones are insufficient."""
    values = data_quality.values() if data_quality else {}
    inputs = []
    for rule in rubric.data_quality:
        value = values.get(rule.name)
        observed = value.value if value is not None else None
        n = value.n if value is not None else 0
        sufficient = observed is not None and n >= rule.min_n
        inputs.append(
            MetricScore(
                name=rule.name,
                value=observed,
                level=rule.level(observed) if sufficient and observed is not None else None,
                n=n,
                definition=rule.definition,
                sufficient=sufficient,
            )
        )
    levels = [m.level for m in inputs if m.level is not None]
    return DataQualityReport(fmean(levels) if levels else None, tuple(inputs))
