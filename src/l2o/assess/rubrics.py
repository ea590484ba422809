"""The rubric ("shown"): which evidence metrics score each dimension, and their thresholds.

Thresholds are versioned data (``rubric/v1.yaml``, ``rubric/v2.yaml`` in this package), never
code; v2, calibrated on simulated companies, is the default. A metric's
level is how many of its four thresholds the value reaches in the better direction::

    - name: stalled_share
      direction: lower            # lower is better
      thresholds: [0.5, 0.35, 0.2, 0.1]   # <= 0.5 is level 1 ... <= 0.1 is level 4
      min_n: 30                   # fewer deals than this: insufficient evidence
      definition: Share of open deals past their stage's stall limit.

The rubric also holds the AI-readiness weights and the data-quality thresholds.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from l2o.assess._files import DataSource, FileModel, read_mapping, read_packaged, validate
from l2o.assess.dimensions import DIMENSIONS, MAX_LEVEL, Dimension

__all__ = [
    "RUBRIC_VERSIONS",
    "AiReadinessRubric",
    "DimensionRubric",
    "MetricRule",
    "Rubric",
    "load_rubric",
]

RUBRIC_VERSIONS = ("v1", "v2")
"""The rubric versions shipped with L2O; the last is the default."""

_WHAT = "rubric"


class MetricRule(FileModel):
    """How one evidence metric maps to a level 0-4."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    direction: Literal["higher", "lower"] = Field(description="Which way is better.")
    thresholds: list[float] = Field(
        min_length=MAX_LEVEL,
        max_length=MAX_LEVEL,
        description="The values that reach levels 1 to 4, monotone in the better direction.",
    )
    min_n: int = Field(ge=1, description="Below this sample size: insufficient evidence.")
    definition: str = Field(min_length=1)

    @model_validator(mode="after")
    def _monotone(self) -> MetricRule:
        pairs = list(zip(self.thresholds, self.thresholds[1:], strict=False))
        if self.direction == "higher" and not all(a < b for a, b in pairs):
            raise ValueError(
                f"thresholds must rise for a 'higher' metric (level 1 to 4); got {self.thresholds}"
            )
        if self.direction == "lower" and not all(a > b for a, b in pairs):
            raise ValueError(
                f"thresholds must fall for a 'lower' metric (level 1 to 4); got {self.thresholds}"
            )
        return self

    def level(self, value: float) -> int:
        """The level 0-4 that ``value`` reaches.

        >>> rule = MetricRule(name="x", direction="lower", thresholds=[4, 3, 2, 1],
        ...                   min_n=1, definition="x")
        >>> rule.level(2.5), rule.level(1), rule.level(9)
        (2, 4, 0)
        """
        if self.direction == "higher":
            return sum(value >= t for t in self.thresholds)
        return sum(value <= t for t in self.thresholds)


class DimensionRubric(FileModel):
    """The evidence metrics of one dimension."""

    metrics: list[MetricRule] = Field(min_length=1)
    min_metrics: int = Field(
        default=1, ge=1, description="Sufficient metrics needed for an evidence score."
    )


class DimensionRubrics(FileModel):
    """One rubric per dimension; every dimension must be covered."""

    icp: DimensionRubric
    pipeline: DimensionRubric
    signals: DimensionRubric
    commercial: DimensionRubric
    pricing: DimensionRubric
    lifecycle: DimensionRubric


AiComponent = Literal["data_quality", "pipeline", "signals", "icp"]


class AiReadinessRubric(FileModel):
    """AI readiness: the weights of data quality and three dimensions, and data-quality rules."""

    weights: dict[AiComponent, float] = Field(min_length=1)
    data_quality: list[MetricRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _positive_weights(self) -> AiReadinessRubric:
        bad = [k for k, w in self.weights.items() if w <= 0]
        if bad:
            raise ValueError(f"weights must be positive; not: {', '.join(bad)}")
        return self


class Rubric(FileModel):
    """A versioned rubric: metric rules per dimension plus the AI-readiness rules."""

    version: str = Field(pattern=r"^v[0-9]+$")
    dimensions: DimensionRubrics
    ai_readiness: AiReadinessRubric

    @model_validator(mode="after")
    def _unique_metric_names(self) -> Rubric:
        names = [rule.name for d in DIMENSIONS for rule in self.for_dimension(d).metrics]
        names += [rule.name for rule in self.ai_readiness.data_quality]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"metric names must be unique; repeated: {', '.join(repeated)}")
        return self

    def for_dimension(self, dimension: Dimension) -> DimensionRubric:
        """The rubric of one dimension."""
        rubric: DimensionRubric = getattr(self.dimensions, dimension)
        return rubric

    def dimension_of(self, metric: str) -> Dimension | None:
        """The dimension a metric scores, or ``None`` if the rubric does not know it."""
        for dimension in DIMENSIONS:
            if any(rule.name == metric for rule in self.for_dimension(dimension).metrics):
                return dimension
        return None


def load_rubric(source: DataSource | None = None) -> Rubric:
    """A rubric from a YAML file or mapping; by default the latest one shipped with L2O.

    A shipped version is named as ``"v1"``. Raises :class:`~l2o.assess.AssessmentError`
    naming the path of every problem (``dimensions.pricing.metrics[0].thresholds``).
    """
    if source is None or source in RUBRIC_VERSIONS:
        return _shipped_rubric(str(source or RUBRIC_VERSIONS[-1]))
    data, name = read_mapping(source, _WHAT)
    return validate(Rubric, data, _WHAT, name)


@cache
def _shipped_rubric(version: str) -> Rubric:
    data = read_packaged(f"rubric/{version}.yaml", _WHAT)
    return validate(Rubric, data, _WHAT, f"rubric/{version}.yaml")
