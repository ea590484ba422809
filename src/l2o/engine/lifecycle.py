"""Lifecycle expansion: health score, renewal windows, expansion triggers, churn risk, onboarding.

All read account fields, usually the derived ones from
:func:`~l2o.engine.account_facts.account_facts`, passed as ``derived``.

- **Health** is the weighted mean of the spec's components, each an account field scaled to
  0-100: a percentage as is (capped at 100); ``open_support_tickets`` as 100 less 20 per
  open ticket; ``nps`` (-100..100) as (nps + 100) / 2; a checkbox or a text field (e.g. an
  executive sponsor) as 100 when set and 0 when not. A numeric component with no data is
  left out and the others re-weighted; ``coverage`` says how much weight had data.
- **Renewals**: an active contract reaches a window when its days left fall to the window's
  days; reaching the first (earliest) window opens the renewal opportunity, later windows
  are reminders.
- **Expansion triggers** and **churn-risk signals** are the spec's conditions on account
  fields; an at-risk health band is a churn risk of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from l2o.domain import Account, Contract, ContractStatus, as_utc
from l2o.engine.actions import PlannedTask, recipient
from l2o.engine.conditions import CompiledCondition, compile_condition
from l2o.engine.explain import Reason
from l2o.engine.record_fields import RecordFields, is_set
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.fields import FieldCatalog

__all__ = [
    "ChurnRisk",
    "ExpansionSignal",
    "HealthComponentScore",
    "HealthScore",
    "LifecycleRules",
    "RenewalDue",
]

HealthBand = Literal["healthy", "neutral", "at_risk"]


@dataclass(frozen=True, slots=True)
class HealthComponentScore:
    """One health component: the field's value, its 0-100 scale, weight and points."""

    component: str
    field: str
    value: Any
    scaled: float | None
    weight: int
    points: float


@dataclass(frozen=True, slots=True)
class HealthScore:
    """An account's health (0-100), its band, and how much of the weighting had data."""

    score: float | None
    band: HealthBand | None
    coverage: float
    components: tuple[HealthComponentScore, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class RenewalDue:
    """A contract inside a renewal window: which window, and whether to open the renewal deal."""

    contract_id: str
    account_id: str
    end_date: date
    days_left: int
    window_days: int
    open_opportunity: bool
    pipeline: str | None
    owner_role: str
    reason: Reason


@dataclass(frozen=True, slots=True)
class ExpansionSignal:
    """An expansion trigger that fired, and the pipeline to open a deal in."""

    trigger: str
    pipeline: str | None
    reason: Reason


@dataclass(frozen=True, slots=True)
class ChurnRisk:
    """A churn-risk signal that fired, with its severity."""

    signal: str
    severity: Literal["low", "medium", "high"]
    reason: Reason


class LifecycleRules:
    """The spec's lifecycle section compiled once."""

    def __init__(self, spec: ArchitectureSpec) -> None:
        lifecycle = spec.lifecycle
        catalog = FieldCatalog(spec.custom_fields)
        self.health = lifecycle.health_score if lifecycle else None
        self.renewal = lifecycle.renewal if lifecycle else None
        self.onboarding = tuple(lifecycle.onboarding if lifecycle else ())
        self._expansion: tuple[tuple[str, str | None, str | None, CompiledCondition], ...] = tuple(
            (t.id, t.label, t.pipeline, compile_condition(t.when, "account", catalog))
            for t in (lifecycle.expansion_triggers if lifecycle else [])
        )
        self._churn = tuple(
            (s.id, s.label, s.severity, compile_condition(s.when, "account", catalog))
            for s in (lifecycle.churn_risk_signals if lifecycle else [])
        )
        self._text_fields = frozenset(
            f.name for f in spec.custom_fields.account if f.type in ("text", "picklist", "date")
        )

    def health_score(
        self, account: Account, *, derived: Mapping[str, Any] | None = None
    ) -> HealthScore:
        """The health score of ``account`` from the spec's components."""
        if self.health is None:
            return HealthScore(
                None, None, 0.0, (), (Reason("health.none", "the spec defines no health score"),)
            )
        fields = RecordFields(account, "account", derived=derived)
        parts: list[HealthComponentScore] = []
        for component in self.health.components:
            value = fields.get(component.field)
            scaled = _scale(component.field, value, component.field in self._text_fields)
            parts.append(
                HealthComponentScore(
                    component.id, component.field, value, scaled, component.weight, 0.0
                )
            )
        weight = sum(p.weight for p in parts if p.scaled is not None)
        coverage = weight / 100
        if not weight:
            reason = Reason("health.no_data", "no health component has data")
            return HealthScore(None, None, 0.0, tuple(parts), (reason,))
        scored = tuple(
            HealthComponentScore(
                p.component,
                p.field,
                p.value,
                p.scaled,
                p.weight,
                (p.scaled or 0.0) * p.weight / weight,
            )
            if p.scaled is not None
            else p
            for p in parts
        )
        score = sum(p.points for p in scored)
        band: HealthBand = (
            "healthy"
            if score >= self.health.healthy_from
            else "at_risk"
            if score < self.health.at_risk_below
            else "neutral"
        )
        reasons = [
            Reason(
                "health.score",
                f"health {score:.0f} ({band.replace('_', ' ')}), "
                f"from {coverage:.0%} of the weighting",
            )
        ]
        for p in scored:
            if p.scaled is None:
                reasons.append(
                    Reason(f"health.{p.component}", f"{p.component}: {p.field} unknown, left out")
                )
            else:
                reasons.append(
                    Reason(
                        f"health.{p.component}",
                        f"{p.component}: {p.field} {_shown(p.value)} -> "
                        f"{p.scaled:.0f}/100 x {p.weight}%",
                        p.points,
                    )
                )
        return HealthScore(score, band, coverage, scored, tuple(reasons))

    def renewals_due(
        self,
        contracts: Iterable[Contract],
        *,
        today: date,
        open_renewals: Collection[str] = (),
    ) -> tuple[RenewalDue, ...]:
        """Active contracts inside a renewal window on ``today``.

        ``open_renewals`` holds the ids of contracts that already have a renewal deal;
        ``open_opportunity`` is true for the others.
        """
        if self.renewal is None:
            return ()
        windows = sorted(self.renewal.windows_days)
        found = []
        for contract in contracts:
            if contract.status != ContractStatus.ACTIVE:
                continue
            days_left = (contract.end_date - today).days
            reached = [w for w in windows if days_left <= w]
            if not reached or contract.start_date > today:
                continue
            window = reached[0]
            needs_deal = contract.id not in open_renewals
            verb = "open a renewal opportunity" if needs_deal else "renewal already open"
            reason = Reason(
                "renewal.window",
                f"contract ends {contract.end_date} ({days_left} days): "
                f"{window}-day window reached, {verb}",
            )
            found.append(
                RenewalDue(
                    contract.id,
                    contract.account_id,
                    contract.end_date,
                    days_left,
                    window,
                    needs_deal,
                    self.renewal.pipeline,
                    self.renewal.owner_role,
                    reason,
                )
            )
        return tuple(found)

    def expansion_signals(
        self,
        account: Account,
        *,
        derived: Mapping[str, Any] | None = None,
        previous: Mapping[str, Any] | None = None,
    ) -> tuple[ExpansionSignal, ...]:
        """The expansion triggers ``account`` meets (``previous``: values before the change)."""
        fields = RecordFields(account, "account", derived=derived, previous=previous)
        return tuple(
            ExpansionSignal(
                t_id, pipeline, Reason(f"expansion.{t_id}", f"{label or t_id}: {when.text}")
            )
            for t_id, label, pipeline, when in self._expansion
            if when.matches(fields)
        )

    def churn_risks(
        self,
        account: Account,
        *,
        derived: Mapping[str, Any] | None = None,
        health: HealthScore | None = None,
    ) -> tuple[ChurnRisk, ...]:
        """The churn-risk signals ``account`` shows, plus an at-risk health band if given."""
        fields = RecordFields(account, "account", derived=derived)
        risks = [
            ChurnRisk(s_id, severity, Reason(f"churn.{s_id}", f"{label or s_id}: {when.text}"))
            for s_id, label, severity, when in self._churn
            if when.matches(fields)
        ]
        if health is not None and health.band == "at_risk" and health.score is not None:
            risks.append(
                ChurnRisk(
                    "health_at_risk",
                    "high",
                    Reason(
                        "churn.health",
                        f"health {health.score:.0f} is below "
                        f"{self.health.at_risk_below if self.health else 0}",
                    ),
                )
            )
        return tuple(risks)

    def onboarding_tasks(self, account: Account, *, closed_at: datetime) -> tuple[PlannedTask, ...]:
        """The onboarding milestones as tasks, due ``due_days`` after the deal closed."""
        day = as_utc(closed_at).date()
        return tuple(
            PlannedTask(
                f"onboarding.{m.id}",
                m.label or m.id,
                recipient(m.owner_role, None),
                day + timedelta(days=m.due_days),
                "account",
                account.id,
            )
            for m in self.onboarding
        )


def _scale(field: str, value: Any, text_field: bool) -> float | None:
    if field == "open_support_tickets":
        return None if value is None else max(0.0, 100.0 - 20.0 * float(value))
    if field == "nps":
        return None if value is None else min(max((float(value) + 100) / 2, 0.0), 100.0)
    if isinstance(value, bool):
        return 100.0 if value else 0.0
    if isinstance(value, int | float | Decimal):
        return min(max(float(value), 0.0), 100.0)
    if text_field or isinstance(value, str):
        return 100.0 if is_set(value) else 0.0
    return None


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return "not set" if value is None else str(value)
