"""What each task predicts, from which features, and which fields it may never use.

A task scores a record at a *scoring moment* and learns from outcomes that come later. Every
feature must be fixed by that moment; every field a CRM sets while the record is worked, or
when the outcome happens, would leak the answer into the model (it would look accurate on
history and be useless on a new lead). :meth:`Task.select` refuses such fields with
:class:`LeakingFeature`, naming why; :class:`Examples` runs every column through it, so a
leaking column cannot reach a model.

A feature name ending in ``:*`` is a family: ``touched:*`` allows ``touched:events``,
``touched:referrals``... (one flag per channel seen in the data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from l2o.analytics.models._errors import LeakingFeature, ModelError

__all__ = [
    "DEAL_WIN",
    "LEAD_CONVERSION",
    "TASKS",
    "Examples",
    "Feature",
    "FloatArray",
    "IntArray",
    "LeakingField",
    "Task",
    "task_named",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Feature:
    """An allowed feature: its kind (``category`` or ``number``) and why it is known in time."""

    name: str
    kind: Literal["category", "number"]
    why: str

    def matches(self, name: str) -> bool:
        """Whether ``name`` is this feature (or a member of this ``prefix:*`` family)."""
        if self.name.endswith(":*"):
            return name.startswith(self.name[:-1]) and len(name) > len(self.name) - 1
        return name == self.name


@dataclass(frozen=True)
class LeakingField:
    """A field that must never be a feature, and when the CRM sets it."""

    name: str
    why: str


@dataclass(frozen=True)
class Task:
    """A prediction task: the record, the outcome, the scoring moment and the feature rules."""

    name: str
    record: str
    outcome: str
    scored_at: str
    features: tuple[Feature, ...]
    leaking: tuple[LeakingField, ...]

    def feature(self, name: str) -> Feature:
        """The allowed feature ``name`` is; :class:`LeakingFeature` if it leaks the outcome,
        :class:`ModelError` if the task does not know it."""
        for leak in self.leaking:
            if leak.name == name or (leak.name.endswith(":*") and name.startswith(leak.name[:-1])):
                raise LeakingFeature(self.name, name, leak.why)
        for allowed in self.features:
            if allowed.matches(name):
                return allowed
        known = ", ".join(f.name for f in self.features)
        raise ModelError(f"{self.name}: {name} is not a feature of this task (features: {known})")

    def select(self, names: Iterable[str]) -> dict[str, Feature]:
        """Each of ``names`` with its feature rule; the first leaking or unknown name raises."""
        return {name: self.feature(name) for name in names}


_TOUCH_WHY = "touches that occurred before the scoring moment only; later touches are cut off"

LEAD_CONVERSION = Task(
    name="lead-conversion",
    record="lead",
    outcome="the lead becomes an opportunity (converted_at) within the horizon after it arrives",
    scored_at="the lead's created_at plus the observation window (default 24 hours)",
    features=(
        Feature("channel", "category", "origin channel, set when the lead is created"),
        Feature("country", "category", "given by the person on the form that created the lead"),
        Feature("seniority", "category", "read from the job title given at creation"),
        Feature("personal_email", "category", "whether the e-mail given at creation is free mail"),
        Feature(
            "account_industry",
            "category",
            "firmographics of the account matched by e-mail domain (not the converted account), "
            "only if that account existed at the scoring moment",
        ),
        Feature("account_segment", "category", "as account_industry"),
        Feature("account_region", "category", "as account_industry"),
        Feature("account_employees", "number", "as account_industry"),
        Feature("account_annual_revenue", "number", "as account_industry"),
        Feature(
            "first_touch_minutes",
            "number",
            "minutes to the first touch if it happened by the scoring moment; missing otherwise",
        ),
        Feature("touches", "number", _TOUCH_WHY),
        Feature("touched:*", "category", _TOUCH_WHY),
    ),
    leaking=(
        LeakingField(
            "status", "the lead's current status: converted or disqualified is the outcome"
        ),
        LeakingField("converted_at", "the outcome itself"),
        LeakingField("converted_account_id", "linked only when the lead converts"),
        LeakingField("converted_contact_id", "linked only when the lead converts"),
        LeakingField("converted_opportunity_id", "linked only when the lead converts"),
        LeakingField("disqualification_reason", "written when the lead is lost"),
        LeakingField("mql_at", "stamped while the lead is worked, often back-dated"),
        LeakingField("sql_at", "stamped on the step just before conversion"),
        LeakingField(
            "fit_score", "stored as of the export: recomputed after the outcome, not as of then"
        ),
        LeakingField(
            "engagement_score",
            "stored as of the export: includes touches after the outcome (passenger touches)",
        ),
        LeakingField("owner_id", "reassigned when the lead is converted or recycled"),
        LeakingField("account_tier", "the current tier: revised once the account is a customer"),
        LeakingField("account_health_score", "exists only once the account is a customer"),
        LeakingField("touches_after:*", "touches after the scoring moment"),
    ),
)

DEAL_WIN = Task(
    name="deal-win",
    record="opportunity",
    outcome="the deal closes won (is_won) rather than lost",
    scored_at="the deal's created_at (the first stage)",
    features=(
        Feature(
            "opportunity_type", "category", "new business, renewal or expansion: set at creation"
        ),
        Feature("pipeline", "category", "the pipeline the deal was opened in"),
        Feature("lead_source", "category", "copied from the lead at creation"),
        Feature(
            "owner_role",
            "category",
            "the role of the deal's owner; owners are assigned at creation (reassignments are not "
            "recorded, so a deal handed over on losing would leak: check your CRM's practice)",
        ),
        Feature(
            "amount_at_creation",
            "number",
            "the amount on the deal's first stage change (or first amount change's old value); "
            "missing when the store has no history",
        ),
        Feature("account_industry", "category", "firmographics of the deal's account"),
        Feature("account_segment", "category", "firmographics of the deal's account"),
        Feature("account_country", "category", "firmographics of the deal's account"),
        Feature("account_employees", "number", "firmographics of the deal's account"),
    ),
    leaking=(
        LeakingField("stage", "the current stage: closed_won or closed_lost is the outcome"),
        LeakingField("is_won", "the outcome itself"),
        LeakingField("is_closed", "set with the outcome"),
        LeakingField("closed_at", "set with the outcome"),
        LeakingField("loss_reason", "written when the deal is lost"),
        LeakingField("probability", "follows the stage, up to 100 or 0 at the close"),
        LeakingField("forecast_category", "follows the stage, 'closed' at the close"),
        LeakingField("amount", "the current amount: a won deal's becomes its quote's net total"),
        LeakingField("close_date", "the current close date: pushed until the deal closes"),
        LeakingField("next_step", "cleared when the deal closes"),
        LeakingField("qualification", "confirmed while the deal advances"),
        LeakingField("stalled_at", "set later, while the deal is worked"),
        LeakingField("quotes", "drawn up at the proposal stage, late in the deal"),
        LeakingField("stage_changes_after:*", "stage history after the scoring moment"),
    ),
)

TASKS: Mapping[str, Task] = {t.name: t for t in (LEAD_CONVERSION, DEAL_WIN)}
"""Every task learned scoring knows, by name."""


def task_named(name: str) -> Task:
    """The task called ``name``; :class:`ModelError` naming the valid ones otherwise."""
    try:
        return TASKS[name]
    except KeyError:
        raise ModelError(f"unknown task {name!r}: valid tasks are {', '.join(TASKS)}") from None


@dataclass(frozen=True)
class Examples:
    """Records of one task as columns, with their scoring moments and (known) outcomes.

    Times are days since 1970-01-01 (UTC). ``outcome`` is 1.0 (converted, won), 0.0 or NaN
    when not yet known; ``label_known_at`` is when the outcome became known (NaN with it).
    ``rule_score`` is the spec's rule-based score at the scoring moment (NaN without rules),
    ``rule_how`` says which rule gave it. Every column is checked against the task's feature
    rules on construction: a leaking column raises :class:`LeakingFeature`.
    """

    task: Task
    ids: npt.NDArray[np.object_]
    columns: Mapping[str, np.ndarray]
    scored_at: FloatArray
    outcome: FloatArray
    label_known_at: FloatArray
    rule_score: FloatArray
    rule_how: str = "no rule-based score"
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self.task.select(self.columns)
        n = len(self.ids)
        arrays = {"scored_at": self.scored_at, "outcome": self.outcome}
        arrays |= {"label_known_at": self.label_known_at, "rule_score": self.rule_score}
        arrays |= dict(self.columns)
        for name, values in arrays.items():
            if len(values) != n:
                raise ModelError(f"{self.task.name}: column {name} has {len(values)} rows, not {n}")
        known = ~np.isnan(self.outcome)
        if np.any(self.label_known_at[known] < self.scored_at[known]):
            raise ModelError(f"{self.task.name}: an outcome is known before its scoring moment")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The feature columns, in order."""
        return tuple(self.columns)

    @property
    def labelled(self) -> BoolArray:
        """Records whose outcome is known."""
        return np.asarray(~np.isnan(self.outcome), dtype=bool)

    @property
    def y(self) -> IntArray:
        """The outcomes as 0/1 (unknown outcomes as 0: use with :attr:`labelled`)."""
        return np.nan_to_num(self.outcome).astype(np.int64)

    def subset(self, rows: npt.NDArray[np.int64] | BoolArray) -> Examples:
        """The same examples restricted to ``rows`` (indices or a mask)."""
        return Examples(
            task=self.task,
            ids=self.ids[rows],
            columns={k: v[rows] for k, v in self.columns.items()},
            scored_at=self.scored_at[rows],
            outcome=self.outcome[rows],
            label_known_at=self.label_known_at[rows],
            rule_score=self.rule_score[rows],
            rule_how=self.rule_how,
            notes=self.notes,
        )

    def counts(self) -> tuple[int, int]:
        """Known positive and negative outcomes."""
        known = self.outcome[self.labelled]
        return int((known == 1).sum()), int((known == 0).sum())
