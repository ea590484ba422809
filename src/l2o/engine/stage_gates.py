"""Stage gates: whether an opportunity may move to a stage, and everything it still lacks.

A forward move checks the exit criteria of **every stage the deal leaves** - the stage it is
in and each stage it jumps over - and the entry criteria of the stage it enters. A refusal
lists every missing criterion, not the first. The pipeline's policy is applied too:
skipping stages needs ``allow_stage_skipping``, moving back needs ``allow_backward_moves``
(a backward move checks only the entry criteria of its target). Moving to a lost stage is
always possible from an open stage and checks only that stage's entry criteria (e.g. a
loss reason): a deal can die in discovery without having been qualified.

An :class:`Override` waives missing criteria and the skip/backward policy when its role is
one of the permitted override roles and it gives a reason; the decision records that it
was used. Nothing waives a move that makes no sense (a closed deal, an unknown stage).

Related-record facts (contact roles, line items, an approved quote...) come from the caller
as counts; a deal's primary contact is read from ``primary_contact_id`` unless given.

    >>> gate = StageGates(spec)         # doctest: +SKIP
    >>> decision = gate.check(deal, "solution_validation", related={})    # doctest: +SKIP
    >>> decision.allowed, [str(m) for m in decision.missing]              # doctest: +SKIP
    (False, ['discovery: qualification metrics not confirmed', 'discovery: next_step is empty'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from l2o.domain import Opportunity, as_utc
from l2o.engine.errors import EngineError, UnknownFieldError
from l2o.engine.explain import Reason
from l2o.engine.record_fields import RecordFields, is_filled
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.fields import FieldCatalog
from l2o.spec.pipeline import (
    FieldFilled,
    Pipeline,
    QualificationFramework,
    QualificationMet,
    Stage,
    StageCriterion,
)

__all__ = [
    "GateDecision",
    "MissingCriterion",
    "Override",
    "StageGate",
    "StageGates",
    "StallCheck",
]

_CheckFn = Callable[[RecordFields, Mapping[str, int], Opportunity], "str | None"]


@dataclass(frozen=True, slots=True)
class MissingCriterion:
    """One criterion a move lacks: the stage it belongs to, entry or exit, and what is wrong."""

    stage: str
    kind: Literal["exit", "entry"]
    criterion: str
    detail: str

    def __str__(self) -> str:
        return f"{self.stage}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Override:
    """A person's decision to move a deal despite the gate: their role and their reason."""

    role: str
    reason: str
    by: str | None = None


@dataclass(frozen=True, slots=True)
class GateDecision:
    """Whether a stage move is allowed, and the full account of why or why not.

    ``missing`` lists every unmet criterion; ``policy`` the pipeline rules the move breaks
    (skipping, moving back); ``invalid`` a move no override can allow. ``criteria_met`` is
    what a ``StageChange`` records; ``override_used`` says an override let the move through.
    """

    allowed: bool
    from_stage: str
    to_stage: str
    stages_left: tuple[str, ...]
    missing: tuple[MissingCriterion, ...]
    policy: tuple[Reason, ...]
    invalid: Reason | None
    override_used: bool
    reasons: tuple[Reason, ...]

    @property
    def criteria_met(self) -> bool:
        """No criterion is missing and no pipeline rule is broken."""
        return self.invalid is None and not self.missing and not self.policy


@dataclass(frozen=True, slots=True)
class StallCheck:
    """Whether a deal has sat in its stage past the stage's ``max_days_in_stage``."""

    stalled: bool
    stage: str
    days_in_stage: float
    limit: int | None
    reason: Reason


@dataclass(frozen=True, slots=True)
class _Criterion:
    label: str
    check: _CheckFn
    field: str | None = None
    related: str | None = None


class StageGate:
    """One pipeline's gates, compiled once: its stages in order and each stage's criteria."""

    def __init__(
        self,
        pipeline: Pipeline,
        qualification: QualificationFramework | None,
        catalog: FieldCatalog,
    ) -> None:
        self.pipeline = pipeline
        self.override_roles = frozenset(pipeline.override_roles)
        self.stages: dict[str, Stage] = {stage.id: stage for stage in pipeline.stages}
        ladder = [stage.id for stage in pipeline.stages if stage.outcome != "lost"]
        self.position: dict[str, int] = {stage_id: i for i, stage_id in enumerate(ladder)}
        self.ladder: tuple[str, ...] = tuple(ladder)
        elements = {
            e.id: e.field or e.id for e in (qualification.elements if qualification else [])
        }
        labels = {e.id: e.label or e.id for e in (qualification.elements if qualification else [])}
        self._exit = {
            s.id: tuple(_compile(c, elements, labels, catalog) for c in s.exit_criteria)
            for s in pipeline.stages
        }
        self._entry = {
            s.id: tuple(_compile(c, elements, labels, catalog) for c in s.entry_criteria)
            for s in pipeline.stages
        }
        criteria = [
            c for compiled in (self._exit, self._entry) for cs in compiled.values() for c in cs
        ]
        #: The field names the criteria read (stored, qualification, custom or derived) and
        #: the related-record kinds they count, over every stage: what a caller checking
        #: many deals must load, and no more.
        self.fields_read: frozenset[str] = frozenset(c.field for c in criteria if c.field)
        self.related_read: frozenset[str] = frozenset(c.related for c in criteria if c.related)

    def check(
        self,
        opportunity: Opportunity,
        to_stage: str,
        *,
        related: Mapping[str, int] | None = None,
        derived: Mapping[str, Any] | None = None,
        override: Override | None = None,
    ) -> GateDecision:
        """Decide whether ``opportunity`` may move from its stage to ``to_stage``."""
        from_stage = opportunity.stage
        invalid = self._invalid(opportunity, from_stage, to_stage)
        if invalid is not None:
            return GateDecision(False, from_stage, to_stage, (), (), (), invalid, False, (invalid,))
        target = self.stages[to_stage]
        policy: list[Reason] = []
        if target.outcome == "lost":
            left: tuple[str, ...] = (from_stage,)
            checked: list[tuple[str, Literal["exit", "entry"]]] = [(to_stage, "entry")]
        else:
            start, end = self.position[from_stage], self.position[to_stage]
            if end > start:
                left = self.ladder[start:end]
                checked = [(stage_id, "exit") for stage_id in left]
                checked.append((to_stage, "entry"))
                if end - start > 1 and not self.pipeline.allow_stage_skipping:
                    skipped = ", ".join(self.ladder[start + 1 : end])
                    policy.append(
                        Reason(
                            "gate.skip",
                            f"skips {skipped}: pipeline {self.pipeline.id} "
                            "does not allow skipping stages",
                        )
                    )
            else:
                left = (from_stage,)
                checked = [(to_stage, "entry")]
                if not self.pipeline.allow_backward_moves:
                    policy.append(
                        Reason(
                            "gate.backward",
                            f"moves back from {from_stage} to {to_stage}: "
                            f"pipeline {self.pipeline.id} does not allow backward moves",
                        )
                    )
        facts = dict(related or {})
        if "primary_contact" not in facts:
            facts["primary_contact"] = 1 if opportunity.primary_contact_id else 0
        fields = RecordFields(opportunity, "opportunity", derived=derived)
        missing = tuple(
            MissingCriterion(stage_id, kind, criterion.label, detail)
            for stage_id, kind in checked
            for criterion in (self._exit if kind == "exit" else self._entry)[stage_id]
            if (detail := criterion.check(fields, facts, opportunity)) is not None
        )
        return self._decide(from_stage, to_stage, left, missing, tuple(policy), override)

    def stall(self, opportunity: Opportunity, now: datetime) -> StallCheck:
        """Whether ``opportunity`` has been in its stage longer than the stage allows."""
        now = as_utc(now)
        stage = self.stages.get(opportunity.stage)
        entered = opportunity.stage_entered_at or (
            opportunity.stage_history[-1].changed_at
            if opportunity.stage_history
            else opportunity.created_at
        )
        days = (now - as_utc(entered)).total_seconds() / 86_400
        limit = stage.max_days_in_stage if stage is not None else None
        rule = f"stall.{opportunity.stage}"
        if opportunity.is_closed or stage is None or stage.outcome != "open":
            return StallCheck(
                False, opportunity.stage, days, limit, Reason(rule, "closed deals do not stall")
            )
        if limit is None:
            return StallCheck(
                False,
                opportunity.stage,
                days,
                None,
                Reason(rule, f"{opportunity.stage} has no stall limit"),
            )
        stalled = days > limit
        verdict = "stalled" if stalled else "within limit"
        text = f"{days:.0f} days in {opportunity.stage}, limit {limit}: {verdict}"
        return StallCheck(stalled, opportunity.stage, days, limit, Reason(rule, text))

    def _invalid(self, opportunity: Opportunity, from_stage: str, to_stage: str) -> Reason | None:
        if from_stage not in self.stages:
            return Reason(
                "gate.unknown_stage",
                f"current stage {from_stage!r} is not in pipeline {self.pipeline.id}",
            )
        if to_stage not in self.stages:
            return Reason(
                "gate.unknown_stage", f"stage {to_stage!r} is not in pipeline {self.pipeline.id}"
            )
        if opportunity.is_closed or self.stages[from_stage].outcome != "open":
            return Reason(
                "gate.closed",
                f"the deal is closed in {from_stage}: closed deals do not change stage",
            )
        if from_stage == to_stage:
            return Reason("gate.same_stage", f"the deal is already in {to_stage}")
        return None

    def _decide(
        self,
        from_stage: str,
        to_stage: str,
        left: tuple[str, ...],
        missing: tuple[MissingCriterion, ...],
        policy: tuple[Reason, ...],
        override: Override | None,
    ) -> GateDecision:
        reasons = [*policy, *(Reason(f"gate.{m.stage}.{m.kind}", str(m)) for m in missing)]
        if not missing and not policy:
            reasons.insert(
                0, Reason("gate.met", f"{from_stage} -> {to_stage}: every criterion met")
            )
            if override is not None:
                reasons.append(Reason("gate.override", "override not needed"))
            return GateDecision(
                True, from_stage, to_stage, left, missing, policy, None, False, tuple(reasons)
            )
        if override is None:
            return GateDecision(
                False, from_stage, to_stage, left, missing, policy, None, False, tuple(reasons)
            )
        refusal = _override_refusal(override, self.pipeline.id, self.override_roles)
        if refusal is not None:
            reasons.append(Reason("gate.override.refused", refusal))
            return GateDecision(
                False, from_stage, to_stage, left, missing, policy, None, False, tuple(reasons)
            )
        who = f" ({override.by})" if override.by else ""
        reasons.append(
            Reason(
                "gate.override", f"overridden by {override.role}{who}: {override.reason.strip()}"
            )
        )
        return GateDecision(
            True, from_stage, to_stage, left, missing, policy, None, True, tuple(reasons)
        )


class StageGates:
    """Every pipeline's gate in a spec; the deal's ``pipeline`` picks the gate.

    Each pipeline's ``override_roles`` (in the spec) are the roles allowed to override its
    gates; none means no override is accepted.
    """

    def __init__(self, spec: ArchitectureSpec) -> None:
        pipeline_spec = spec.pipeline
        catalog = FieldCatalog(spec.custom_fields)
        qualification = pipeline_spec.qualification if pipeline_spec else None
        self.gates: dict[str, StageGate] = {
            p.id: StageGate(p, qualification, catalog)
            for p in (pipeline_spec.pipelines if pipeline_spec else [])
        }

    def for_pipeline(self, pipeline: str) -> StageGate:
        """The gate of ``pipeline``; an unknown pipeline is an error naming the known ones."""
        try:
            return self.gates[pipeline]
        except KeyError:
            known = ", ".join(self.gates) or "none"
            raise EngineError(
                f"pipeline {pipeline!r} is not in the spec (known: {known})"
            ) from None

    def check(
        self,
        opportunity: Opportunity,
        to_stage: str,
        *,
        related: Mapping[str, int] | None = None,
        derived: Mapping[str, Any] | None = None,
        override: Override | None = None,
    ) -> GateDecision:
        """:meth:`StageGate.check` with the gate of the deal's pipeline."""
        return self.for_pipeline(opportunity.pipeline).check(
            opportunity, to_stage, related=related, derived=derived, override=override
        )

    def stalled(
        self, opportunities: Iterable[Opportunity], now: datetime
    ) -> list[tuple[Opportunity, StallCheck]]:
        """The open deals past their stage's stall limit at ``now``, with each check."""
        found = []
        for opportunity in opportunities:
            gate = self.gates.get(opportunity.pipeline)
            if gate is None:
                continue
            check = gate.stall(opportunity, now)
            if check.stalled:
                found.append((opportunity, check))
        return found


def _override_refusal(override: Override, pipeline: str, permitted: frozenset[str]) -> str | None:
    if override.role not in permitted:
        allowed = ", ".join(sorted(permitted)) or "nobody"
        return (
            f"override refused: role {override.role!r} may not override gates of pipeline "
            f"{pipeline} (override_roles: {allowed})"
        )
    if not override.reason or not override.reason.strip():
        return "override refused: an override needs a reason"
    return None


def _compile(
    criterion: StageCriterion,
    elements: Mapping[str, str],
    labels: Mapping[str, str],
    catalog: FieldCatalog,
) -> _Criterion:
    if isinstance(criterion, FieldFilled):
        name = criterion.field
        if not catalog.knows("opportunity", name):
            raise UnknownFieldError("opportunity", name, catalog.suggest("opportunity", name))

        def filled(fields: RecordFields, facts: Mapping[str, int], opp: Opportunity) -> str | None:
            return None if is_filled(fields.get(name)) else f"{name} is empty"

        return _Criterion(f"field {name}", filled, field=name)
    if isinstance(criterion, QualificationMet):
        element = criterion.qualification
        if element not in elements:
            raise EngineError(f"qualification element {element!r} is not in the spec's framework")
        field, label = elements[element], labels[element]
        shown = element if label == element else f"{element} ({label})"

        def confirmed(
            fields: RecordFields, facts: Mapping[str, int], opp: Opportunity
        ) -> str | None:
            return None if is_filled(fields.get(field)) else f"qualification {shown} not confirmed"

        return _Criterion(f"qualification {element}", confirmed, field=field)
    kind, needed = criterion.related, criterion.min_count

    def present(fields: RecordFields, facts: Mapping[str, int], opp: Opportunity) -> str | None:
        count = facts.get(kind, 0)
        if count >= needed:
            return None
        return f"{kind}: {count} of {needed} required" if needed > 1 else f"no {kind}"

    return _Criterion(f"related {kind} >= {needed}", present, related=kind)
