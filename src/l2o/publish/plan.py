"""The 90-day plan: steps ordered by weakest dimension and cost, each naming what changes in
the architecture spec, the CRM and the data.

The steps are versioned data (``plan_steps.yaml`` in this package); this module only chooses
and orders them from an assessment::

    plan = build_plan(AssessmentView.from_json(assessment))
    plan.priorities[0].dimension        # the weakest dimension
    [s.title for s in plan.in_phase(1)] # days 0-30, weakest dimension first

Ranking: dimensions by score, lowest first (a dimension with no score ranks as weakest:
nothing shows it works); equal scores (to one decimal) by the cost of the gap attributed to
them, largest first. Planned are the dimensions below the Revenue Machine line (3.0) or
without a score, plus any metric measured at level 0 or 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from l2o.publish.assessment_view import AssessmentView, CostComponent, DimensionView
from l2o.publish.figures import level, metric_value, score
from l2o.publish.method import DIMENSION_TITLES, DIMENSIONS, REVENUE_MACHINE_AT

__all__ = [
    "Plan",
    "PlanPhase",
    "PlanStep",
    "Priority",
    "StepLibrary",
    "build_plan",
    "load_plan_steps",
]

StepKind = Literal["measure", "dimension", "metric"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepText(_Model):
    """What one step changes: in the spec, the CRM and the data, and how to tell it is done."""

    phase: int = Field(ge=1, le=3)
    title: str = Field(min_length=1)
    spec: str = Field(min_length=1)
    crm: str = Field(min_length=1)
    data: str = Field(min_length=1)
    done_when: str = Field(min_length=1)


class DimensionStepText(StepText):
    """A dimension step, taken while the dimension scores below ``below``."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    below: float = Field(gt=0, le=4)


class DimensionSteps(_Model):
    """The steps of one dimension, its metric steps and the cost keywords that map to it."""

    cost_keywords: list[str] = Field(default_factory=list)
    steps: list[DimensionStepText]
    unmeasured: StepText
    metrics: dict[str, StepText] = Field(default_factory=dict)


class PhaseText(_Model):
    """One of the three 30-day phases."""

    phase: int = Field(ge=1, le=3)
    days: str
    name: str
    aim: str


class StepLibrary(_Model):
    """Every step the plan can draw on, as read from ``plan_steps.yaml``."""

    version: int
    phases: list[PhaseText] = Field(min_length=3, max_length=3)
    dimensions: dict[str, DimensionSteps]


@cache
def load_plan_steps() -> StepLibrary:
    """The shipped step library (validated once)."""
    text = resources.files("l2o.publish").joinpath("plan_steps.yaml").read_text("utf-8")
    library = StepLibrary.model_validate(yaml.safe_load(text))
    missing = set(DIMENSIONS) - set(library.dimensions)
    if missing:
        raise ValueError(f"plan_steps.yaml: no steps for {sorted(missing)}")
    return library


@dataclass(frozen=True)
class Priority:
    """A dimension's place in the plan: its rank, score and the cost attributed to it."""

    rank: int
    dimension: str
    title: str
    score: float | None
    source: str | None
    cost: float
    planned: bool


@dataclass(frozen=True)
class PlanStep:
    """One step of the 90-day plan."""

    number: int
    id: str
    kind: StepKind
    phase: int
    dimension: str
    rank: int
    title: str
    why: str
    spec: str
    crm: str
    data: str
    done_when: str

    @property
    def dimension_title(self) -> str:
        """The dimension's name in words."""
        return DIMENSION_TITLES[self.dimension]


@dataclass(frozen=True)
class PlanPhase:
    """A phase as shown: its days, name and aim."""

    phase: int
    days: str
    name: str
    aim: str


@dataclass(frozen=True)
class Plan:
    """The 90-day plan: the dimension priorities and the steps, numbered in order."""

    version: int
    priorities: tuple[Priority, ...]
    steps: tuple[PlanStep, ...]
    phases: tuple[PlanPhase, ...]
    unattributed: tuple[CostComponent, ...]
    currency: str

    def in_phase(self, phase: int) -> tuple[PlanStep, ...]:
        """The steps of one phase, in plan order."""
        return tuple(s for s in self.steps if s.phase == phase)

    def top(self, count: int) -> tuple[PlanStep, ...]:
        """The first ``count`` steps: where to start."""
        return self.steps[:count]


def attribute_costs(
    components: tuple[CostComponent, ...], library: StepLibrary
) -> tuple[dict[str, float], tuple[CostComponent, ...]]:
    """Cost per dimension: a component's own ``dimension``, else its name's keywords."""
    per_dimension = dict.fromkeys(DIMENSIONS, 0.0)
    unattributed = []
    for component in components:
        dimension = component.dimension if component.dimension in per_dimension else None
        if dimension is None:
            name = component.name.lower().replace(" ", "_").replace("-", "_")
            dimension = next(
                (
                    key
                    for key in DIMENSIONS
                    if any(word in name for word in library.dimensions[key].cost_keywords)
                ),
                None,
            )
        if dimension is None:
            unattributed.append(component)
        else:
            per_dimension[dimension] += component.amount or 0.0
    return per_dimension, tuple(unattributed)


def rank_dimensions(view: AssessmentView, cost: Mapping[str, float]) -> tuple[Priority, ...]:
    """Dimensions weakest first; equal scores by attributed cost, largest first."""
    order = sorted(
        view.dimensions,
        key=lambda d: (
            -1.0 if d.score is None else round(d.score, 1),
            -cost.get(d.key, 0.0),
            DIMENSIONS.index(d.key),
        ),
    )
    return tuple(
        Priority(
            rank=rank,
            dimension=d.key,
            title=d.title,
            score=d.score,
            source=d.source,
            cost=cost.get(d.key, 0.0),
            planned=d.score is None or d.score < REVENUE_MACHINE_AT,
        )
        for rank, d in enumerate(order, start=1)
    )


def build_plan(view: AssessmentView, library: StepLibrary | None = None) -> Plan:
    """The 90-day plan for an assessment: steps ordered by phase, then weakest dimension."""
    library = library or load_plan_steps()
    cost, unattributed = attribute_costs(view.cost.components, library)
    priorities = rank_dimensions(view, cost)
    drafts: list[tuple[int, int, int, PlanStep]] = []
    kinds: dict[StepKind, int] = {"measure": 0, "dimension": 1, "metric": 2}
    for priority in priorities:
        dimension = view.dimension(priority.dimension)
        steps = library.dimensions[priority.dimension]
        for position, (step_id, kind, text, why) in enumerate(
            _steps_for(dimension, steps, priority.planned)
        ):
            step = PlanStep(
                number=0,
                id=step_id,
                kind=kind,
                phase=text.phase,
                dimension=priority.dimension,
                rank=priority.rank,
                title=text.title,
                why=why,
                spec=text.spec,
                crm=text.crm,
                data=text.data,
                done_when=text.done_when,
            )
            drafts.append((text.phase, priority.rank, kinds[kind] * 100 + position, step))
    drafts.sort(key=lambda d: d[:3])
    numbered = tuple(
        PlanStep(**{**vars(step), "number": number})
        for number, (_, _, _, step) in enumerate(drafts, start=1)
    )
    return Plan(
        version=library.version,
        priorities=priorities,
        steps=numbered,
        phases=tuple(PlanPhase(p.phase, p.days, p.name, p.aim) for p in library.phases),
        unattributed=unattributed,
        currency=view.cost.currency,
    )


def _steps_for(
    dimension: DimensionView, steps: DimensionSteps, planned: bool
) -> list[tuple[str, StepKind, StepText, str]]:
    chosen: list[tuple[str, StepKind, StepText, str]] = []
    standing = _standing(dimension)
    if planned:
        unmeasured = dimension.unmeasured_metrics
        if unmeasured:
            names = ", ".join(m.phrase for m in unmeasured)
            text = steps.unmeasured.model_copy(
                update={"data": steps.unmeasured.data.replace("{metrics}", names)}
            )
            why = f"Not measured for lack of evidence: {names}."
            chosen.append((f"{dimension.key}_measure", "measure", text, why))
        for step in steps.steps:
            if dimension.score is None or dimension.score < step.below:
                why = f"{standing}, below {step.below:.1f}."
                chosen.append((step.id, "dimension", step, why))
    for metric in dimension.weak_metrics:
        metric_text = steps.metrics.get(metric.name)
        if metric_text is None:
            continue
        n = f", n={metric.n:,}" if metric.n is not None else ""
        why = (
            f"{metric.label} is {metric_value(metric.name, metric.value)} "
            f"(level {level(metric.level)}{n})."
        )
        chosen.append((f"{dimension.key}_{metric.name}", "metric", metric_text, why))
    return chosen


def _standing(dimension: DimensionView) -> str:
    if dimension.score is None:
        return f"{dimension.title} has no score (not enough evidence and no questionnaire answers)"
    source = dimension.source or "source unknown"
    return f"{dimension.title} scores {score(dimension.score)} ({source})"
