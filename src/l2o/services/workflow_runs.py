"""Carrying out a workflow plan: tasks and field updates now, messages through the outbox.

The engine plans (:meth:`WorkflowRules.fire` returns actions as data); this applies the
plan inside the caller's unit of work, so the actions commit or roll back with the change
that fired them:

- ``create_task`` becomes a ``Task`` (owned by the record's owner, or - for a role - left
  unowned with the role named in its description);
- ``update_field`` sets the field on the record itself (audited like any edit);
- ``notify`` is queued for the recipients' next digest (``NotificationQueued``) and
  ``send_webhook`` becomes a ``WebhookDelivery`` to its URL - both in the outbox, for the
  worker (``l2o.services.delivery``); ``enrol_sequence`` publishes ``SequenceEnrolled``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from l2o.domain import SequenceEnrolled, Task
from l2o.engine import (
    EngineRules,
    PlannedAction,
    PlannedEnrolment,
    PlannedFieldUpdate,
    PlannedNotification,
    PlannedTask,
    PlannedWebhook,
)
from l2o.services.delivery import queue_webhook
from l2o.services.delivery_events import NotificationQueued
from l2o.spec.fields import QUALIFICATION_FIELDS, STORED_FIELDS, RecordType
from l2o.spec.workflows import TriggerEvent
from l2o.store import SqlAlchemyUnitOfWork

__all__ = ["WorkflowOutcome", "apply_actions", "run_workflows"]

_TYPE_NAMES: Mapping[str, str] = {
    "lead": "Lead",
    "contact": "Contact",
    "account": "Account",
    "opportunity": "Opportunity",
}


@dataclass(frozen=True, slots=True)
class WorkflowOutcome:
    """What an event fired: the workflows, the tasks made and the events queued."""

    workflows: tuple[str, ...]
    tasks: tuple[str, ...]
    events: tuple[str, ...]
    fields_set: tuple[str, ...]


def run_workflows(
    uow: SqlAlchemyUnitOfWork,
    rules: EngineRules,
    record_type: RecordType,
    event: TriggerEvent,
    record: Any,
    *,
    at: datetime,
    derived: Mapping[str, Any] | None = None,
    previous: Mapping[str, Any] | None = None,
    changed_fields: Collection[str] | None = None,
) -> WorkflowOutcome:
    """Fire ``event`` on ``record`` and apply the actions of every workflow that fires."""
    plan = rules.workflows.fire(
        record_type,
        event,
        record,
        today=at.date(),
        derived=derived,
        previous=previous,
        changed_fields=changed_fields,
    )
    outcome = apply_actions(uow, plan.actions, record, at=at)
    return WorkflowOutcome(
        tuple(run.workflow for run in plan.runs),
        outcome.tasks,
        outcome.events,
        outcome.fields_set,
    )


def apply_actions(
    uow: SqlAlchemyUnitOfWork, actions: tuple[PlannedAction, ...], record: Any, *, at: datetime
) -> WorkflowOutcome:
    """Apply planned actions about ``record`` in ``uow`` (tasks, field updates, outbox)."""
    tasks: list[str] = []
    events: list[str] = []
    fields: list[str] = []
    for action in actions:
        if isinstance(action, PlannedTask):
            tasks.append(uow.tasks.add(_task(action, at)).id)
        elif isinstance(action, PlannedFieldUpdate):
            _set_field(record, action.record_type, action.field, action.value)
            fields.append(action.field)
        elif isinstance(action, PlannedNotification):
            events.append(uow.publish(NotificationQueued.of(action)).event_type)
        elif isinstance(action, PlannedWebhook):
            data = {
                "source": action.source,
                "record_type": action.record_type,
                "record_id": action.record_id,
            }
            message = queue_webhook(uow, event=action.event, data=data, url=action.url, at=at)
            events.append(message.event_type)
        elif isinstance(action, PlannedEnrolment):
            message = uow.publish(
                SequenceEnrolled(
                    source=action.source,
                    sequence=action.sequence,
                    record_type=action.record_type,
                    record_id=action.record_id,
                    enrolled_at=at,
                )
            )
            events.append(message.event_type)
    return WorkflowOutcome((), tuple(tasks), tuple(events), tuple(fields))


def _task(action: PlannedTask, at: datetime) -> Task:
    owner = action.assignee.removeprefix("user:") if action.assignee.startswith("user:") else None
    description = f"from {action.source}"
    if owner is None:
        description += f"; for {action.assignee.replace('role:', 'role ')}"
    return Task(
        subject=action.title,
        owner_id=owner,
        due_date=action.due_on,
        related_type=_TYPE_NAMES.get(action.record_type, action.record_type),
        related_id=action.record_id,
        description=description,
        created_at=at,
    )


def _set_field(record: Any, record_type: str, name: str, value: Any) -> None:
    # The same three places RecordFields reads a field from: a stored attribute, an
    # opportunity's qualification map, else the custom fields.
    if name in STORED_FIELDS.get(record_type, frozenset()):  # type: ignore[call-overload]
        setattr(record, name, value)
    elif record_type == "opportunity" and name in QUALIFICATION_FIELDS:
        record.qualification = {**record.qualification, name: value}
    else:
        record.custom_fields = {**record.custom_fields, name: value}
