"""What an assessment produces: frozen results with ``to_json()`` in the ``assessment.json`` shape.

The shapes follow the contract (``schema_version``, ``index``, ``dimensions``,
``ai_readiness``, ``technology``, ``quadrant``, ``revenue_machine``, ``cost_of_gap``,
``data_quality``); ``schemas/assessment.schema.json`` is its JSON Schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from l2o.assess.dimensions import Dimension

if TYPE_CHECKING:
    from l2o.assess.cost import CostOfGap
    from l2o.assess.quality import DataQualityReport

__all__ = [
    "ASSESSMENT_SCHEMA_VERSION",
    "GAP_TEXT",
    "INSUFFICIENT_EVIDENCE",
    "AiReadiness",
    "Assessment",
    "DimensionScore",
    "MetricScore",
    "MetricValue",
    "Quadrant",
    "ScoreSource",
]

GAP_TEXT = "the honest answer depends on who updated the CRM last"
"""Said how a said/shown gap of 1.0 or more is flagged."""

INSUFFICIENT_EVIDENCE = "insufficient evidence"

ASSESSMENT_SCHEMA_VERSION = "1"
"""The version of the ``assessment.json`` contract; raised on any incompatible change."""

ScoreSource = Literal["evidence", "self-reported"]

Quadrant = Literal["Founder-led", "Technology ahead of architecture", "Ready to build", "Scaling"]


@dataclass(frozen=True)
class MetricValue:
    """An evidence metric as computed from the data: its value and the sample it came from.

    ``value`` is ``None`` when the data cannot give one at all (e.g. no stage history).
    """

    name: str
    value: float | None
    n: int


@dataclass(frozen=True)
class MetricScore:
    """A metric scored against the rubric; ``level`` is ``None`` when evidence is insufficient."""

    name: str
    value: float | None
    level: int | None
    n: int
    definition: str
    sufficient: bool

    def to_json(self) -> dict[str, Any]:
        """The metric as in ``assessment.json``; an insufficient one says so in ``note``."""
        data: dict[str, Any] = {
            "name": self.name,
            "value": self.value,
            "level": self.level,
            "n": self.n,
            "definition": self.definition,
        }
        if not self.sufficient:
            data["note"] = INSUFFICIENT_EVIDENCE
        return data


@dataclass(frozen=True)
class DimensionScore:
    """One dimension: what was said, what the data shows, and the score that counts.

    ``score`` is ``shown`` where there is enough evidence, else ``said`` (``source`` is then
    ``"self-reported"``), else ``None`` with the ``reason``. ``gap`` is the flag text when
    said and shown differ by 1.0 or more.
    """

    dimension: Dimension
    score: float | None
    said: float | None
    shown: float | None
    source: ScoreSource | None
    metrics: tuple[MetricScore, ...]
    gap: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The dimension as in ``assessment.json``."""
        data: dict[str, Any] = {
            "score": self.score,
            "said": self.said,
            "shown": self.shown,
            "source": self.source,
            "metrics": [m.to_json() for m in self.metrics],
        }
        if self.gap:
            data["gap"] = self.gap
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass(frozen=True)
class AiReadiness:
    """Whether the data and process can support AI revenue agents: a 0-4 score and why."""

    score: float | None
    ready: bool
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """AI readiness as in ``assessment.json``."""
        return {"score": self.score, "ready": self.ready, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Assessment:
    """The scored assessment: dimensions, index, technology, quadrant and AI readiness."""

    rubric_version: str
    dimensions: tuple[DimensionScore, ...]
    index: float | None
    technology: float | None
    quadrant: Quadrant | None
    revenue_machine: bool
    ai_readiness: AiReadiness
    cost_of_gap: CostOfGap | None = None
    data_quality: DataQualityReport | None = None

    def dimension(self, dimension: Dimension) -> DimensionScore:
        """The score of one dimension."""
        return next(d for d in self.dimensions if d.dimension == dimension)

    @property
    def gaps(self) -> list[DimensionScore]:
        """The dimensions where said and shown differ by 1.0 or more."""
        return [d for d in self.dimensions if d.gap]

    def to_json(self) -> dict[str, Any]:
        """``assessment.json`` as a dict, ready for ``json.dumps``.

        ``cost_of_gap`` and ``data_quality`` are ``None`` when the assessment was scored
        without data (questionnaire only).
        """
        return {
            "schema_version": ASSESSMENT_SCHEMA_VERSION,
            "rubric_version": self.rubric_version,
            "index": self.index,
            "dimensions": {d.dimension: d.to_json() for d in self.dimensions},
            "ai_readiness": self.ai_readiness.to_json(),
            "technology": {"score": self.technology},
            "quadrant": self.quadrant,
            "revenue_machine": self.revenue_machine,
            "cost_of_gap": self.cost_of_gap.to_json() if self.cost_of_gap else None,
            "data_quality": self.data_quality.to_json() if self.data_quality else None,
        }
