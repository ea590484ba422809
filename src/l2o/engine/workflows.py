"""Workflows: which of the spec's workflows an event fires, and the actions they plan.

Given what happened (a record type and a trigger event, e.g. an opportunity ``stalled``) and
the record, every enabled workflow with that trigger whose conditions hold on the record
fires, in spec order, and its actions come back as data (:mod:`l2o.engine.actions`) with
``owner`` resolved to the record's owner. A ``field_changed`` trigger fires when its field
differs from the previous values (or is among ``changed_fields``). Nothing is executed here.

    >>> plan = WorkflowRules(spec).fire("opportunity", "stalled", deal, today=day)  # doctest: +SKIP
    >>> [a.kind for a in plan.actions]                                             # doctest: +SKIP
    ['notify', 'create_task']
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from l2o.engine.actions import (
    PlannedAction,
    PlannedEnrolment,
    PlannedFieldUpdate,
    PlannedNotification,
    PlannedTask,
    PlannedWebhook,
    recipient,
)
from l2o.engine.conditions import CompiledCondition, compile_condition
from l2o.engine.explain import Reason
from l2o.engine.record_fields import RecordFields
from l2o.spec.architecture import ArchitectureSpec
from l2o.spec.fields import FieldCatalog, RecordType
from l2o.spec.workflows import (
    Action,
    CreateTask,
    EnrolSequence,
    Notify,
    SendWebhook,
    TriggerEvent,
    UpdateField,
    Workflow,
)

__all__ = ["WorkflowPlan", "WorkflowRules", "WorkflowRun"]


@dataclass(frozen=True, slots=True)
class WorkflowRun:
    """One workflow that fired: why, and the actions it plans."""

    workflow: str
    actions: tuple[PlannedAction, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class WorkflowPlan:
    """Every workflow an event fired, and those with the trigger whose conditions failed."""

    runs: tuple[WorkflowRun, ...]
    not_fired: tuple[Reason, ...]

    @property
    def actions(self) -> tuple[PlannedAction, ...]:
        """All planned actions, workflow by workflow, in spec order."""
        return tuple(action for run in self.runs for action in run.actions)


class WorkflowRules:
    """The spec's workflows compiled once, indexed by trigger."""

    def __init__(self, spec: ArchitectureSpec) -> None:
        catalog = FieldCatalog(spec.custom_fields)
        flows = spec.workflows.workflows if spec.workflows else []
        self._by_trigger: dict[
            tuple[str, str], list[tuple[Workflow, CompiledCondition | None]]
        ] = {}
        for flow in flows:
            if not flow.enabled:
                continue
            record = flow.trigger.record
            when = compile_condition(flow.conditions, record, catalog) if flow.conditions else None
            self._by_trigger.setdefault((record, flow.trigger.event), []).append((flow, when))

    def fire(
        self,
        record_type: RecordType,
        event: TriggerEvent,
        record: object,
        *,
        today: date,
        derived: Mapping[str, Any] | None = None,
        previous: Mapping[str, Any] | None = None,
        changed_fields: Collection[str] | None = None,
    ) -> WorkflowPlan:
        """The workflows ``event`` on ``record`` fires, with their planned actions."""
        fields = RecordFields(record, record_type, derived=derived, previous=previous)
        runs: list[WorkflowRun] = []
        not_fired: list[Reason] = []
        for flow, when in self._by_trigger.get((record_type, event), []):
            if event == "field_changed" and not _field_changed(
                flow.trigger.field or "", fields, changed_fields
            ):
                not_fired.append(
                    Reason(f"workflow.{flow.id}", f"{flow.id}: {flow.trigger.field} did not change")
                )
                continue
            if when is not None and not when.matches(fields):
                not_fired.append(Reason(f"workflow.{flow.id}", f"{flow.id}: not {when.text}"))
                continue
            trigger = f"{record_type} {event}" + (
                f" ({flow.trigger.field})" if flow.trigger.field else ""
            )
            why = Reason(
                f"workflow.{flow.id}",
                f"{flow.label or flow.id}: {trigger}" + (f" and {when.text}" if when else ""),
            )
            actions = tuple(
                _plan(action, flow.id, record_type, record, today) for action in flow.actions
            )
            runs.append(WorkflowRun(flow.id, actions, (why,)))
        return WorkflowPlan(tuple(runs), tuple(not_fired))


def _field_changed(name: str, fields: RecordFields, changed: Collection[str] | None) -> bool:
    if changed is not None:
        return name in changed
    return bool(fields.get(name) != fields.previous_value(name))


def _plan(
    action: Action, source: str, record_type: str, record: object, today: date
) -> PlannedAction:
    record_id = str(
        getattr(record, "id", None) or (record.get("id") if isinstance(record, Mapping) else "")
    )
    owner = getattr(record, "owner_id", None)
    if isinstance(record, Mapping):
        owner = record.get("owner_id")
    source = f"workflow.{source}"
    if isinstance(action, CreateTask):
        return PlannedTask(
            source,
            action.title,
            recipient(action.assignee, owner),
            today + timedelta(days=action.due_in_days),
            record_type,
            record_id,
        )
    if isinstance(action, Notify):
        to = tuple(recipient(name, owner) for name in action.to)
        return PlannedNotification(
            source, to, action.channel, action.message, record_type, record_id
        )
    if isinstance(action, UpdateField):
        return PlannedFieldUpdate(source, record_type, record_id, action.field, action.value)
    if isinstance(action, EnrolSequence):
        return PlannedEnrolment(source, action.sequence, record_type, record_id)
    assert isinstance(action, SendWebhook)
    return PlannedWebhook(source, action.url, action.event, record_type, record_id)
