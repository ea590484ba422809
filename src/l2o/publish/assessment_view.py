"""An ``assessment.json`` dict read once into typed, null-tolerant views for the deliverables.

Every value of the contract may be ``null`` (no evidence, no answers): a view keeps it as
``None`` and the templates say "not measured" or "insufficient evidence"; nothing is filled
in. A value of the wrong *type* (a list where a mapping belongs, text where a number belongs)
is a :class:`~l2o.publish.PublishError` naming its path::

    view = AssessmentView.from_json(json.loads(Path("assessment.json").read_text()))
    view.dimension("pricing").metrics[0].level
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from l2o.publish._reader import ContractReader
from l2o.publish.method import (
    DIMENSION_TITLES,
    DIMENSIONS,
    INSUFFICIENT_EVIDENCE,
)

__all__ = [
    "AssessmentView",
    "CostComponent",
    "CostOfGap",
    "DataQualityInput",
    "DimensionView",
    "MetricView",
]


@dataclass(frozen=True)
class MetricView:
    """One evidence metric: value, level 0-4, sample size and definition (all may be missing)."""

    name: str
    value: float | None
    level: int | None
    n: int | None
    definition: str | None
    insufficient: bool

    @property
    def label(self) -> str:
        """The metric's name in words: ``stalled_share`` -> ``Stalled share``."""
        return humanise(self.name)

    @property
    def phrase(self) -> str:
        """The metric's name inside a sentence: ``stalled share``, ``GRR``."""
        return humanise(self.name, capitalised=False)


@dataclass(frozen=True)
class DimensionView:
    """One dimension: the score that counts, what was said and shown, and its metrics."""

    key: str
    title: str
    score: float | None
    said: float | None
    shown: float | None
    source: str | None
    metrics: tuple[MetricView, ...]
    gap: str | None = None
    reason: str | None = None

    @property
    def weak_metrics(self) -> tuple[MetricView, ...]:
        """Metrics measured at level 0 or 1."""
        return tuple(m for m in self.metrics if m.level is not None and m.level <= 1)

    @property
    def unmeasured_metrics(self) -> tuple[MetricView, ...]:
        """Metrics the data could not measure (insufficient evidence)."""
        return tuple(m for m in self.metrics if m.insufficient or m.level is None)


@dataclass(frozen=True)
class CostComponent:
    """One part of the cost of the gap: its amount and how it was computed."""

    name: str
    amount: float | None
    formula: str | None
    inputs: dict[str, Any]
    dimension: str | None = None

    @property
    def label(self) -> str:
        """The component's name in words."""
        return humanise(self.name)


@dataclass(frozen=True)
class CostOfGap:
    """The estimated money per year the architecture gap costs, with its components."""

    total: float | None
    currency: str
    components: tuple[CostComponent, ...]

    @property
    def largest_first(self) -> tuple[CostComponent, ...]:
        """Components by amount, largest first; unmeasured ones last."""
        return tuple(sorted(self.components, key=lambda c: (c.amount is None, -(c.amount or 0.0))))


@dataclass(frozen=True)
class DataQualityInput:
    """One data-quality input of AI readiness (completeness, duplicates, stage history...)."""

    name: str
    value: float | None
    level: float | None
    n: int | None = None
    definition: str | None = None

    @property
    def label(self) -> str:
        """The input's name in words."""
        return humanise(self.name)


@dataclass(frozen=True)
class AssessmentView:
    """The assessment as the deliverables read it."""

    name: str | None
    created_at: str | None
    schema_version: str | None
    rubric_version: str | None
    index: float | None
    dimensions: tuple[DimensionView, ...]
    ai_score: float | None
    ai_ready: bool
    ai_reasons: tuple[str, ...]
    technology: float | None
    quadrant: str | None
    revenue_machine: bool
    cost: CostOfGap
    data_quality: tuple[DataQualityInput, ...] = field(default=())
    data_quality_level: float | None = None

    def dimension(self, key: str) -> DimensionView:
        """One dimension's view."""
        return next(d for d in self.dimensions if d.key == key)

    @property
    def gaps(self) -> tuple[DimensionView, ...]:
        """The dimensions flagged for a said/shown gap."""
        return tuple(d for d in self.dimensions if d.gap)

    @property
    def title(self) -> str:
        """The company's name, or a neutral title when the assessment has none."""
        return self.name or "Unnamed company"

    def data_quality_input(self, name: str) -> DataQualityInput | None:
        """A data-quality input by name, if the assessment has it."""
        return next((q for q in self.data_quality if q.name == name), None)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AssessmentView:
        """Read an ``assessment.json`` mapping; raises ``PublishError`` for wrong types."""
        reader = _Reader()
        root = reader.mapping(data, "assessment") or {}
        dimensions = reader.mapping(root.get("dimensions"), "assessment.dimensions") or {}
        ai = reader.mapping(root.get("ai_readiness"), "assessment.ai_readiness") or {}
        technology = reader.mapping(root.get("technology"), "assessment.technology") or {}
        view = cls(
            name=reader.text(root.get("name"), "assessment.name"),
            created_at=reader.text(root.get("created_at"), "assessment.created_at"),
            schema_version=reader.text(root.get("schema_version"), "assessment.schema_version"),
            rubric_version=reader.text(root.get("rubric_version"), "assessment.rubric_version"),
            index=reader.number(root.get("index"), "assessment.index"),
            dimensions=tuple(
                reader.dimension(key, dimensions.get(key), f"assessment.dimensions.{key}")
                for key in DIMENSIONS
            ),
            ai_score=reader.number(ai.get("score"), "assessment.ai_readiness.score"),
            ai_ready=ai.get("ready") is True,
            ai_reasons=tuple(
                reader.text(r, f"assessment.ai_readiness.reasons[{i}]") or ""
                for i, r in enumerate(reader.sequence(ai.get("reasons"), "ai_readiness.reasons"))
            ),
            technology=reader.number(technology.get("score"), "assessment.technology.score"),
            quadrant=reader.text(root.get("quadrant"), "assessment.quadrant"),
            revenue_machine=root.get("revenue_machine") is True,
            cost=reader.cost(root.get("cost_of_gap"), "assessment.cost_of_gap"),
            data_quality=reader.data_quality(root.get("data_quality"), "assessment.data_quality"),
            data_quality_level=reader.data_quality_level(root.get("data_quality")),
        )
        reader.raise_problems("assessment")
        return view


_ACRONYMS = frozenset({"icp", "grr", "nrr", "arr", "sla", "crm", "ai", "sdr", "ae", "csm", "mrr"})


def humanise(name: str, capitalised: bool = True) -> str:
    """A snake_case name in words, acronyms kept: ``icp_win_rate_lift`` -> ``ICP win rate lift``;
    ``stalled_share`` -> ``Stalled share`` (``stalled share`` inside a sentence)."""
    words = [w.upper() if w.lower() in _ACRONYMS else w for w in name.replace("_", " ").split()]
    if capitalised and words:
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


class _Reader(ContractReader):
    """Reads the assessment's parts into their views."""

    def metric(self, data: object, path: str) -> MetricView | None:
        metric = self.mapping(data, path)
        if metric is None:
            return None
        level = self.count(metric.get("level"), f"{path}.level")
        value = self.number(metric.get("value"), f"{path}.value")
        note = self.text(metric.get("note"), f"{path}.note")
        return MetricView(
            name=self.text(metric.get("name"), f"{path}.name") or "unnamed metric",
            value=value,
            level=level,
            n=self.count(metric.get("n"), f"{path}.n"),
            definition=self.text(metric.get("definition"), f"{path}.definition"),
            insufficient=level is None or note == INSUFFICIENT_EVIDENCE,
        )

    def dimension(self, key: str, data: object, path: str) -> DimensionView:
        dimension = self.mapping(data, path) or {}
        metrics = [
            self.metric(m, f"{path}.metrics[{i}]")
            for i, m in enumerate(self.sequence(dimension.get("metrics"), f"{path}.metrics"))
        ]
        return DimensionView(
            key=key,
            title=DIMENSION_TITLES[key],
            score=self.number(dimension.get("score"), f"{path}.score"),
            said=self.number(dimension.get("said"), f"{path}.said"),
            shown=self.number(dimension.get("shown"), f"{path}.shown"),
            source=self.text(dimension.get("source"), f"{path}.source"),
            metrics=tuple(m for m in metrics if m is not None),
            gap=self.text(dimension.get("gap"), f"{path}.gap"),
            reason=self.text(dimension.get("reason"), f"{path}.reason"),
        )

    def cost(self, data: object, path: str) -> CostOfGap:
        cost = self.mapping(data, path) or {}
        components = []
        for i, item in enumerate(self.sequence(cost.get("components"), f"{path}.components")):
            where = f"{path}.components[{i}]"
            component = self.mapping(item, where)
            if component is None:
                continue
            inputs = self.mapping(component.get("inputs"), f"{where}.inputs") or {}
            components.append(
                CostComponent(
                    name=self.text(component.get("name"), f"{where}.name") or "unnamed component",
                    amount=self.number(component.get("amount"), f"{where}.amount"),
                    formula=self.text(component.get("formula"), f"{where}.formula"),
                    inputs=dict(inputs),
                    dimension=self.text(component.get("dimension"), f"{where}.dimension"),
                )
            )
        return CostOfGap(
            total=self.number(cost.get("total"), f"{path}.total"),
            currency=self.text(cost.get("currency"), f"{path}.currency") or "",
            components=tuple(components),
        )

    def data_quality(self, data: object, path: str) -> tuple[DataQualityInput, ...]:
        """Data quality is free-form: ``{name: {value, level, n}}``, ``{name: value}`` or the
        same under ``inputs`` (a mapping or a list of ``{name, ...}``)."""
        quality = self.mapping(data, path) or {}
        shared_n = quality.get("n") if isinstance(quality.get("n"), int) else None
        entries: list[tuple[str, object]] = []
        inputs = quality.get("inputs")
        if isinstance(inputs, Mapping):
            entries = list(inputs.items())
        elif isinstance(inputs, list):
            entries = [
                (str(item.get("name")), item)
                for item in inputs
                if isinstance(item, Mapping) and item.get("name")
            ]
        else:
            entries = [(k, v) for k, v in quality.items() if k not in _DQ_SUMMARY_KEYS]
        found = []
        for name, entry in entries:
            if isinstance(entry, Mapping):
                found.append(
                    DataQualityInput(
                        name=name,
                        value=_as_number(entry.get("value")),
                        level=_as_number(entry.get("level")),
                        n=_as_count(entry.get("n")) or shared_n,
                        definition=entry.get("definition")
                        if isinstance(entry.get("definition"), str)
                        else None,
                    )
                )
            elif entry is None or _as_number(entry) is not None:
                found.append(DataQualityInput(name, _as_number(entry), None, shared_n))
        return tuple(found)

    @staticmethod
    def data_quality_level(data: object) -> float | None:
        if not isinstance(data, Mapping):
            return None
        return _as_number(data.get("level", data.get("score")))


_DQ_SUMMARY_KEYS = frozenset({"n", "level", "score", "inputs", "note", "definition"})


def _as_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _as_count(value: object) -> int | None:
    number = _as_number(value)
    return None if number is None else int(number)
