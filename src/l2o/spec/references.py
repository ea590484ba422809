"""Cross-reference checks: every name one part of a spec uses must be declared somewhere.

Pydantic checks each section's shape; this module checks what ties the sections together —
a stage gate naming a field the opportunity does not have, a routing rule naming a pool that
does not exist, a discount band approved by an undeclared role, a duplicate id. Each problem
names the exact path of the reference and, where one is close, the name probably meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Protocol

from l2o.errors import SpecProblem
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.conditions import AllOf, AnyOf, FieldTest, field_tests
from l2o.spec.fields import STANDARD_FIELDS, FieldCatalog, RecordType
from l2o.spec.pipeline import FieldFilled, QualificationMet
from l2o.spec.workflows import Branch, CreateTask, EnrolSequence, Notify, SequenceStep, UpdateField

__all__ = ["reference_problems"]

OWNER = "owner"
"""Who a task or notification goes to when it names no role: the record's owner."""


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def reference_problems(spec: ArchitectureSpec) -> list[SpecProblem]:
    """Every broken cross-reference and duplicate id in ``spec`` (empty when consistent)."""
    return _ReferenceCheck(spec).run()


class _ReferenceCheck:
    """Collects the declared names once, then walks each section checking what it names."""

    def __init__(self, spec: ArchitectureSpec) -> None:
        self.spec = spec
        self.fields = FieldCatalog(spec.custom_fields)
        self.problems: list[SpecProblem] = []
        commercial = spec.commercial
        self.roles = {role.id for role in commercial.roles} if commercial else set()
        self.segments = {s.id for s in commercial.segments} if commercial else set()
        self.territories = {t.id for t in commercial.territories} if commercial else set()
        self.products = {p.id for p in commercial.products} if commercial else set()
        self.pipelines = {p.id for p in spec.pipeline.pipelines} if spec.pipeline else set()
        framework = spec.pipeline.qualification if spec.pipeline else None
        self.elements = {e.id for e in framework.elements} if framework else set()
        signals = spec.signals
        self.lead_stages = {stage.id for stage in signals.lead_stages} if signals else set()
        routing = signals.routing if signals else None
        self.pools = {pool.id for pool in routing.pools} if routing else set()
        workflows = spec.workflows
        self.sequences = {seq.id for seq in workflows.sequences} if workflows else set()

    def run(self) -> list[SpecProblem]:
        self._custom_fields()
        self._icp()
        self._pipeline()
        self._signals()
        self._commercial()
        self._pricing()
        self._lifecycle()
        self._workflows()
        return self.problems

    # -- helpers -------------------------------------------------------------------------

    def _unique(self, items: Sequence[_HasId], path: str, what: str) -> None:
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in first:
                self.problems.append(
                    SpecProblem(
                        f"{path}[{index}].id",
                        f"duplicate {what} id '{item.id}'",
                        rule="duplicate_id",
                        hint=f"first declared at {path}[{first[item.id]}]",
                    )
                )
            else:
                first[item.id] = index

    def _known(
        self, value: str, known: Iterable[str], path: str, what: str, declared_at: str
    ) -> None:
        names = sorted(known)
        if value in names:
            return
        matches = difflib.get_close_matches(value, names, n=1)
        hint = f"did you mean '{matches[0]}'?" if matches else f"declare it under {declared_at}"
        self.problems.append(
            SpecProblem(path, f"unknown {what} '{value}'", rule="unknown_reference", hint=hint)
        )

    def _role(self, role: str, path: str, allow_owner: bool = False) -> None:
        if allow_owner and role == OWNER:
            return
        self._known(role, self.roles, path, "role", "commercial.roles")

    def _field(self, record: RecordType, field: str, path: str) -> None:
        if self.fields.knows(record, field):
            return
        suggestion = self.fields.suggest(record, field)
        hint = (
            f"did you mean '{suggestion}'?"
            if suggestion
            else f"not a standard {record} field; declare it under custom_fields.{record}"
        )
        self.problems.append(
            SpecProblem(path, f"unknown field '{field}'", rule="unknown_field", hint=hint)
        )

    def _condition(
        self, record: RecordType, condition: AllOf | AnyOf | FieldTest | None, path: str
    ) -> None:
        if condition is None:
            return
        for test, test_path in field_tests(condition, path):
            self._field(record, test.field, test_path)

    # -- sections ------------------------------------------------------------------------

    def _custom_fields(self) -> None:
        for record in STANDARD_FIELDS:
            declared = getattr(self.spec.custom_fields, record)
            seen: set[str] = set()
            for index, custom in enumerate(declared):
                path = f"custom_fields.{record}[{index}].name"
                if custom.name in STANDARD_FIELDS[record]:
                    self.problems.append(
                        SpecProblem(
                            path,
                            f"'{custom.name}' is already a standard {record} field",
                            rule="duplicate_id",
                            hint="use the standard field, or give the custom one another name",
                        )
                    )
                elif custom.name in seen:
                    self.problems.append(
                        SpecProblem(
                            path, f"duplicate custom field '{custom.name}'", "error", "duplicate_id"
                        )
                    )
                seen.add(custom.name)

    def _icp(self) -> None:
        icp = self.spec.icp
        if icp is None:
            return
        self._unique(icp.tiers, "icp.tiers", "tier")
        self._unique(icp.disqualifiers, "icp.disqualifiers", "disqualifier")
        self._unique(icp.personas, "icp.personas", "persona")
        for index, tier in enumerate(icp.tiers):
            for c_index, condition in enumerate(tier.criteria.custom):
                path = f"icp.tiers[{index}].criteria.custom[{c_index}]"
                self._condition("account", condition, path)
        for index, disqualifier in enumerate(icp.disqualifiers):
            self._condition("account", disqualifier.when, f"icp.disqualifiers[{index}].when")

    def _pipeline(self) -> None:
        section = self.spec.pipeline
        if section is None:
            return
        if section.qualification:
            elements = section.qualification.elements
            self._unique(elements, "pipeline.qualification.elements", "qualification element")
            for index, element in enumerate(elements):
                if element.field is not None:
                    path = f"pipeline.qualification.elements[{index}].field"
                    self._field("opportunity", element.field, path)
        self._unique(section.pipelines, "pipeline.pipelines", "pipeline")
        for p_index, pipeline in enumerate(section.pipelines):
            base = f"pipeline.pipelines[{p_index}]"
            self._unique(pipeline.stages, f"{base}.stages", "stage")
            for r_index, role in enumerate(pipeline.override_roles):
                self._role(role, f"{base}.override_roles[{r_index}]")
            for s_index, stage in enumerate(pipeline.stages):
                for gate in ("entry_criteria", "exit_criteria"):
                    for c_index, criterion in enumerate(getattr(stage, gate)):
                        path = f"{base}.stages[{s_index}].{gate}[{c_index}]"
                        if isinstance(criterion, FieldFilled):
                            self._field("opportunity", criterion.field, path)
                        elif isinstance(criterion, QualificationMet):
                            self._element(criterion.qualification, path)

    def _element(self, element: str, path: str) -> None:
        if not self.elements:
            self.problems.append(
                SpecProblem(
                    path,
                    f"qualification element '{element}' needs a qualification framework",
                    rule="unknown_reference",
                    hint="declare the framework and its elements under pipeline.qualification",
                )
            )
            return
        self._known(element, self.elements, path, "qualification element", "pipeline.qualification")

    def _signals(self) -> None:
        signals = self.spec.signals
        if signals is None:
            return
        self._unique(signals.lead_stages, "signals.lead_stages", "lead stage")
        if signals.scoring:
            groups = signals.scoring.groups
            self._unique(groups, "signals.scoring.groups", "score group")
            for g_index, group in enumerate(groups):
                base = f"signals.scoring.groups[{g_index}]"
                self._unique(group.rules, f"{base}.rules", "scoring rule")
                for r_index, rule in enumerate(group.rules):
                    path = f"{base}.rules[{r_index}]"
                    if group.kind == "fit" and rule.event is not None:
                        self.problems.append(
                            SpecProblem(
                                path,
                                f"rule '{rule.id}' scores an event in a fit group",
                                rule="score_group_kind",
                                hint="move it to an engagement group, or test fields with 'when'",
                            )
                        )
                    if group.kind == "engagement" and rule.when is not None:
                        self.problems.append(
                            SpecProblem(
                                path,
                                f"rule '{rule.id}' tests fields in an engagement group",
                                rule="score_group_kind",
                                hint="move it to a fit group, or score an 'event'",
                            )
                        )
                    self._condition("lead", rule.when, f"{path}.when")
        if signals.routing:
            self._routing()
        self._unique(signals.slas, "signals.slas", "SLA")
        for index, sla in enumerate(signals.slas):
            base = f"signals.slas[{index}]"
            self._known(
                sla.lead_stage,
                self.lead_stages,
                f"{base}.lead_stage",
                "lead stage",
                "signals.lead_stages",
            )
            self._role(sla.owner_role, f"{base}.owner_role")
            if sla.escalate_to is not None:
                self._role(sla.escalate_to, f"{base}.escalate_to")

    def _routing(self) -> None:
        signals = self.spec.signals
        routing = signals.routing if signals else None
        if routing is None:
            return
        self._unique(routing.pools, "signals.routing.pools", "pool")
        for index, pool in enumerate(routing.pools):
            self._role(pool.role, f"signals.routing.pools[{index}].role")
        self._unique(routing.rules, "signals.routing.rules", "routing rule")
        for index, rule in enumerate(routing.rules):
            base = f"signals.routing.rules[{index}]"
            for s_index, segment in enumerate(rule.segments):
                path = f"{base}.segments[{s_index}]"
                self._known(segment, self.segments, path, "segment", "commercial.segments")
            for t_index, territory in enumerate(rule.territories):
                path = f"{base}.territories[{t_index}]"
                self._known(
                    territory, self.territories, path, "territory", "commercial.territories"
                )
            if rule.pool is not None:
                self._known(rule.pool, self.pools, f"{base}.pool", "pool", "signals.routing.pools")
            self._condition("lead", rule.when, f"{base}.when")

    def _commercial(self) -> None:
        commercial = self.spec.commercial
        if commercial is None:
            return
        self._unique(commercial.roles, "commercial.roles", "role")
        self._unique(commercial.products, "commercial.products", "product")
        self._unique(commercial.packages, "commercial.packages", "package")
        for index, package in enumerate(commercial.packages):
            for p_index, product in enumerate(package.products):
                path = f"commercial.packages[{index}].products[{p_index}]"
                self._known(product, self.products, path, "product", "commercial.products")
        self._unique(commercial.price_books, "commercial.price_books", "price book")
        for index, book in enumerate(commercial.price_books):
            seen: set[tuple[str, str]] = set()
            for e_index, entry in enumerate(book.entries):
                path = f"commercial.price_books[{index}].entries[{e_index}]"
                self._known(
                    entry.product,
                    self.products,
                    f"{path}.product",
                    "product",
                    "commercial.products",
                )
                if (entry.product, entry.billing) in seen:
                    self.problems.append(
                        SpecProblem(
                            path,
                            f"product '{entry.product}' priced twice for {entry.billing} billing",
                            rule="duplicate_id",
                        )
                    )
                seen.add((entry.product, entry.billing))
        self._unique(commercial.segments, "commercial.segments", "segment")
        for index, segment in enumerate(commercial.segments):
            for r_index, role in enumerate(segment.coverage):
                self._role(role, f"commercial.segments[{index}].coverage[{r_index}]")
        self._unique(commercial.territories, "commercial.territories", "territory")
        for index, territory in enumerate(commercial.territories):
            base = f"commercial.territories[{index}]"
            for s_index, segment_id in enumerate(territory.segments):
                self._known(
                    segment_id,
                    self.segments,
                    f"{base}.segments[{s_index}]",
                    "segment",
                    "commercial.segments",
                )
            if territory.owner_role is not None:
                self._role(territory.owner_role, f"{base}.owner_role")
        for index, quota in enumerate(commercial.quotas):
            base = f"commercial.quotas[{index}]"
            self._role(quota.role, f"{base}.role")
            if quota.territory is not None:
                self._known(
                    quota.territory,
                    self.territories,
                    f"{base}.territory",
                    "territory",
                    "commercial.territories",
                )

    def _pricing(self) -> None:
        pricing = self.spec.pricing
        if pricing is None:
            return
        self._unique(pricing.discount_matrix, "pricing.discount_matrix", "discount band")
        for index, band in enumerate(pricing.discount_matrix):
            for a_index, role in enumerate(band.approvers):
                self._role(role, f"pricing.discount_matrix[{index}].approvers[{a_index}]")
        for index, floor in enumerate(pricing.floors):
            self._known(
                floor.product,
                self.products,
                f"pricing.floors[{index}].product",
                "product",
                "commercial.products",
            )
        self._unique(pricing.non_standard_terms, "pricing.non_standard_terms", "term")
        for index, term in enumerate(pricing.non_standard_terms):
            for a_index, role in enumerate(term.approvers):
                self._role(role, f"pricing.non_standard_terms[{index}].approvers[{a_index}]")

    def _lifecycle(self) -> None:
        lifecycle = self.spec.lifecycle
        if lifecycle is None:
            return
        self._unique(lifecycle.onboarding, "lifecycle.onboarding", "milestone")
        for index, milestone in enumerate(lifecycle.onboarding):
            self._role(milestone.owner_role, f"lifecycle.onboarding[{index}].owner_role")
        if lifecycle.health_score:
            components = lifecycle.health_score.components
            self._unique(components, "lifecycle.health_score.components", "health component")
            for index, component in enumerate(components):
                path = f"lifecycle.health_score.components[{index}].field"
                self._field("account", component.field, path)
        if lifecycle.renewal:
            self._role(lifecycle.renewal.owner_role, "lifecycle.renewal.owner_role")
            if lifecycle.renewal.pipeline is not None:
                self._known(
                    lifecycle.renewal.pipeline,
                    self.pipelines,
                    "lifecycle.renewal.pipeline",
                    "pipeline",
                    "pipeline.pipelines",
                )
        self._unique(lifecycle.expansion_triggers, "lifecycle.expansion_triggers", "trigger")
        for index, trigger in enumerate(lifecycle.expansion_triggers):
            base = f"lifecycle.expansion_triggers[{index}]"
            self._condition("account", trigger.when, f"{base}.when")
            if trigger.pipeline is not None:
                self._known(
                    trigger.pipeline,
                    self.pipelines,
                    f"{base}.pipeline",
                    "pipeline",
                    "pipeline.pipelines",
                )
        self._unique(lifecycle.churn_risk_signals, "lifecycle.churn_risk_signals", "signal")
        for index, signal in enumerate(lifecycle.churn_risk_signals):
            self._condition("account", signal.when, f"lifecycle.churn_risk_signals[{index}].when")

    def _workflows(self) -> None:
        section = self.spec.workflows
        if section is None:
            return
        self._unique(section.sequences, "workflows.sequences", "sequence")
        for index, sequence in enumerate(section.sequences):
            self._steps(sequence.record, sequence.steps, f"workflows.sequences[{index}].steps")
        self._unique(section.workflows, "workflows.workflows", "workflow")
        for index, workflow in enumerate(section.workflows):
            base = f"workflows.workflows[{index}]"
            record = workflow.trigger.record
            if workflow.trigger.field is not None:
                self._field(record, workflow.trigger.field, f"{base}.trigger.field")
            self._condition(record, workflow.conditions, f"{base}.conditions")
            for a_index, action in enumerate(workflow.actions):
                path = f"{base}.actions[{a_index}]"
                if isinstance(action, CreateTask):
                    self._role(action.assignee, f"{path}.assignee", allow_owner=True)
                elif isinstance(action, Notify):
                    for t_index, to in enumerate(action.to):
                        self._role(to, f"{path}.to[{t_index}]", allow_owner=True)
                elif isinstance(action, UpdateField):
                    self._field(record, action.field, f"{path}.field")
                elif isinstance(action, EnrolSequence):
                    self._known(
                        action.sequence,
                        self.sequences,
                        f"{path}.sequence",
                        "sequence",
                        "workflows.sequences",
                    )

    def _steps(self, record: RecordType, steps: Sequence[SequenceStep], path: str) -> None:
        for index, step in enumerate(steps):
            step_path = f"{path}[{index}]"
            if isinstance(step, CreateTask):
                self._role(step.assignee, f"{step_path}.assignee", allow_owner=True)
            elif isinstance(step, Branch):
                self._condition(record, step.when, f"{step_path}.when")
                self._steps(record, step.then, f"{step_path}.then")
                self._steps(record, step.otherwise, f"{step_path}.otherwise")
