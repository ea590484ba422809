"""Workflows as data: a trigger, conditions on the record, and the actions to take.

Nothing here is executed as code: the engine reads these structures and the worker carries
the actions out, so a workflow can be validated, diffed and reviewed like the rest of the spec::

    - id: stalled_deal_alert
      trigger: {record: opportunity, event: stalled}
      conditions: {field: amount, operator: gte, value: 50000}
      actions:
        - {type: notify, to: [owner, sales_manager], message: "Deal stalled"}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from l2o.spec._base import Identifier, SpecModel
from l2o.spec.conditions import Condition, Scalar
from l2o.spec.fields import RecordType

__all__ = [
    "Action",
    "Branch",
    "CreateTask",
    "EnrolSequence",
    "Notify",
    "SendEmail",
    "SendWebhook",
    "Sequence",
    "SequenceStep",
    "Trigger",
    "TriggerEvent",
    "UpdateField",
    "Wait",
    "Workflow",
    "WorkflowsSpec",
]

TriggerEvent = Literal[
    "created",
    "updated",
    "field_changed",
    "stage_changed",
    "stalled",
    "closed_won",
    "closed_lost",
    "lifecycle_stage_changed",
    "sla_breached",
    "renewal_window_reached",
    "health_changed",
    "approval_requested",
    "approval_decided",
]
"""What happened to a record that starts a workflow."""


def _tagged_by_type(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if isinstance(kind, str) else None


class Trigger(SpecModel):
    """The event on a record type that starts a workflow; ``field`` narrows field_changed."""

    record: RecordType
    event: TriggerEvent
    field: str | None = None

    @model_validator(mode="after")
    def _field_for_field_changed(self) -> Trigger:
        if (self.event == "field_changed") != (self.field is not None):
            raise ValueError("'field' is set for, and only for, the field_changed event")
        return self


class Wait(SpecModel):
    """Sequence step: pause before the next step."""

    type: Literal["wait"]
    days: int = Field(ge=0)
    hours: int = Field(default=0, ge=0, le=23)


class SendEmail(SpecModel):
    """Sequence step: send a templated email from the record owner."""

    type: Literal["email"]
    template: str = Field(min_length=1)


class Branch(SpecModel):
    """Sequence step: continue with ``then`` when the condition holds, else ``otherwise``."""

    type: Literal["branch"]
    when: Condition
    then: list[SequenceStep] = Field(default_factory=list)
    otherwise: list[SequenceStep] = Field(default_factory=list)


class CreateTask(SpecModel):
    """Action (also a sequence step): give someone a task with a due date."""

    type: Literal["create_task"]
    title: str = Field(min_length=1)
    assignee: str = Field(default="owner", description="'owner' (the record owner) or a role id.")
    due_in_days: int = Field(default=1, ge=0)


class Notify(SpecModel):
    """Action: tell people (the record owner and/or roles) about the record."""

    type: Literal["notify"]
    to: list[str] = Field(min_length=1, description="'owner' and/or role ids.")
    channel: Literal["email", "slack", "in_app"] = "in_app"
    message: str = Field(min_length=1)


class UpdateField(SpecModel):
    """Action: set a field of the triggering record (``null`` clears it)."""

    type: Literal["update_field"]
    field: str = Field(min_length=1)
    value: Scalar | None = None


class EnrolSequence(SpecModel):
    """Action: enrol the record's contact in a sequence declared under ``sequences``."""

    type: Literal["enrol_sequence"]
    sequence: Identifier


class SendWebhook(SpecModel):
    """Action: post a signed event to an external endpoint (delivered via the outbox)."""

    type: Literal["send_webhook"]
    url: str = Field(pattern=r"^https://\S+$")
    event: str = Field(pattern=r"^[a-z][a-z0-9_.]*$", description="e.g. 'deal.closed_won'.")


SequenceStep = Annotated[
    Annotated[Wait, Tag("wait")]
    | Annotated[SendEmail, Tag("email")]
    | Annotated[CreateTask, Tag("create_task")]
    | Annotated[Branch, Tag("branch")],
    Discriminator(
        _tagged_by_type,
        custom_error_type="step_type",
        custom_error_message="a sequence step's 'type' is wait, email, create_task or branch",
    ),
]

Action = Annotated[
    Annotated[CreateTask, Tag("create_task")]
    | Annotated[Notify, Tag("notify")]
    | Annotated[UpdateField, Tag("update_field")]
    | Annotated[EnrolSequence, Tag("enrol_sequence")]
    | Annotated[SendWebhook, Tag("send_webhook")],
    Discriminator(
        _tagged_by_type,
        custom_error_type="action_type",
        custom_error_message=(
            "an action's 'type' is create_task, notify, update_field, enrol_sequence "
            "or send_webhook"
        ),
    ),
]

Branch.model_rebuild()


class Sequence(SpecModel):
    """A cadence of emails, tasks and waits, with branches, that contacts are enrolled in."""

    id: Identifier
    label: str | None = None
    record: Literal["lead", "contact"] = Field(
        default="contact", description="Who is enrolled; branch conditions test its fields."
    )
    steps: list[SequenceStep] = Field(min_length=1)


class Workflow(SpecModel):
    """When ``trigger`` fires and ``conditions`` hold on the record, run ``actions`` in order."""

    id: Identifier
    label: str | None = None
    enabled: bool = True
    trigger: Trigger
    conditions: Condition | None = None
    actions: list[Action] = Field(min_length=1)


class WorkflowsSpec(SpecModel):
    """The workflows and the sequences they enrol contacts in."""

    sequences: list[Sequence] = Field(default_factory=list)
    workflows: list[Workflow] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when no workflow is defined."""
        return not self.workflows
