"""Which AI uses (lead scoring, forecasting, deal coaching, agents) an assessment supports now.

The rules are versioned data (``ai_uses.yaml`` in this package): each use names the
dimension scores, data-quality levels, AI readiness or index it needs, with a minimum and what
must change when it falls short. This module only compares them with the assessment::

    verdicts = judge_ai_uses(AssessmentView.from_json(assessment))
    [v.title for v in verdicts if v.supported]
    first_changes(verdicts)     # the unmet needs, the ones blocking most uses first

A need that was not measured is not met: the data has to show it before AI relies on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from l2o.publish.assessment_view import AssessmentView, humanise
from l2o.publish.figures import metric_value, score
from l2o.publish.method import DIMENSION_TITLES, NOT_MEASURED

__all__ = [
    "AiUseRules",
    "AiUseVerdict",
    "NeedResult",
    "first_changes",
    "judge_ai_uses",
    "load_ai_use_rules",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Need(_Model):
    """One thing a use needs: exactly one of the four kinds, a minimum, and the fix."""

    dimension: str | None = None
    data_quality: str | None = None
    ai_readiness: str | None = None
    index: str | None = None
    min: float = Field(ge=0, le=4)
    fix: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_kind(self) -> Need:
        kinds = [
            k for k in ("dimension", "data_quality", "ai_readiness", "index") if getattr(self, k)
        ]
        if len(kinds) != 1:
            raise ValueError(
                "a need names exactly one of dimension, data_quality, ai_readiness, index; "
                f"got {kinds}"
            )
        if self.dimension is not None and self.dimension not in DIMENSION_TITLES:
            raise ValueError(f"unknown dimension {self.dimension!r}")
        return self

    @property
    def key(self) -> str:
        """What the need is about, e.g. ``dimension:pipeline``."""
        for kind in ("dimension", "data_quality", "ai_readiness", "index"):
            value = getattr(self, kind)
            if value:
                return f"{kind}:{value}"
        raise AssertionError("validated to have one kind")

    @property
    def label(self) -> str:
        """The need in words."""
        if self.dimension:
            return DIMENSION_TITLES[self.dimension]
        if self.data_quality:
            return f"Data quality: {humanise(self.data_quality).lower()}"
        return "AI readiness" if self.ai_readiness else "L2O Index"


class AiUse(_Model):
    """One AI use and what it needs."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    what: str
    needs: list[Need] = Field(min_length=1)


class AiUseRules(_Model):
    """Every AI use's rules, as read from ``ai_uses.yaml``."""

    version: int
    uses: list[AiUse] = Field(min_length=1)


@cache
def load_ai_use_rules() -> AiUseRules:
    """The shipped AI-use rules (validated once)."""
    text = resources.files("l2o.publish").joinpath("ai_uses.yaml").read_text("utf-8")
    return AiUseRules.model_validate(yaml.safe_load(text))


@dataclass(frozen=True)
class NeedResult:
    """One need checked against the assessment."""

    key: str
    label: str
    have: float | None
    minimum: float
    fix: str
    detail: str | None = None

    @property
    def measured(self) -> bool:
        """Whether the assessment measured what the need is about."""
        return self.have is not None

    @property
    def met(self) -> bool:
        """Measured and at or above the minimum."""
        return self.have is not None and self.have >= self.minimum

    @property
    def have_text(self) -> str:
        """What the assessment shows, in words."""
        if self.have is None:
            return self.detail or NOT_MEASURED
        return score(self.have)


@dataclass(frozen=True)
class AiUseVerdict:
    """Whether one AI use is supported now, and every need behind the answer."""

    id: str
    title: str
    what: str
    needs: tuple[NeedResult, ...]

    @property
    def supported(self) -> bool:
        """Every need measured and met."""
        return all(n.met for n in self.needs)

    @property
    def unmet(self) -> tuple[NeedResult, ...]:
        """The needs that hold this use back."""
        return tuple(n for n in self.needs if not n.met)


def judge_ai_uses(
    view: AssessmentView, rules: AiUseRules | None = None
) -> tuple[AiUseVerdict, ...]:
    """Each AI use judged against the assessment's scores and data-quality levels."""
    rules = rules or load_ai_use_rules()
    return tuple(
        AiUseVerdict(
            id=use.id,
            title=use.title,
            what=use.what,
            needs=tuple(_judge(view, need) for need in use.needs),
        )
        for use in rules.uses
    )


def _judge(view: AssessmentView, need: Need) -> NeedResult:
    have, detail = _have(view, need)
    return NeedResult(need.key, need.label, have, need.min, need.fix, detail)


@dataclass(frozen=True)
class FirstChange:
    """An unmet need and the AI uses it blocks."""

    need: NeedResult
    blocks: tuple[str, ...]


def first_changes(verdicts: tuple[AiUseVerdict, ...]) -> tuple[FirstChange, ...]:
    """The unmet needs across all uses, the ones blocking the most uses first, then the ones
    furthest below their minimum (unmeasured counted as furthest)."""
    blocking: dict[str, list[str]] = {}
    worst: dict[str, NeedResult] = {}
    for verdict in verdicts:
        for need in verdict.unmet:
            blocking.setdefault(need.key, []).append(verdict.title)
            current = worst.get(need.key)
            if current is None or need.minimum > current.minimum:
                worst[need.key] = need
    order = sorted(worst, key=lambda k: (-len(blocking[k]), -_shortfall(worst[k])))
    return tuple(FirstChange(worst[k], tuple(blocking[k])) for k in order)


def _shortfall(need: NeedResult) -> float:
    """How far below its minimum a need is; an unmeasured one counts as furthest."""
    return need.minimum - (need.have if need.have is not None else -1.0)


def _have(view: AssessmentView, need: Need) -> tuple[float | None, str | None]:
    """The level or score the need is judged on, and a note when only a raw value exists."""
    if need.dimension:
        return view.dimension(need.dimension).score, None
    if need.data_quality:
        found = view.data_quality_input(need.data_quality)
        if found is None:
            return None, None
        if found.level is None and found.value is not None:
            value = metric_value(found.name, found.value)
            return None, f"{value}, level not given"
        return found.level, None
    if need.ai_readiness:
        return view.ai_score, None
    return view.index, None
