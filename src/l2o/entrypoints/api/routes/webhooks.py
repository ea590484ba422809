"""Webhooks: inbound touchpoints and usage events (Standard Webhooks signatures), and
outbound receivers registered with their target checked against the network policy."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field, ValidationError
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from l2o import domain as d
from l2o.entrypoints.api.deps import Context, CurrentPrincipal, requires
from l2o.entrypoints.api.problems import PROBLEM_RESPONSES, ProblemError
from l2o.entrypoints.api.routes.commands import IdempotencyKey
from l2o.entrypoints.api.schemas import CreatedWebhook, InboundReceipt, WebhookEndpoint
from l2o.services.access_idempotency import claim_key, complete_key, release_key
from l2o.services.access_ingress import record_usage
from l2o.services.access_webhooks import list_webhooks, register_webhook
from l2o.services.delivery_targets import TargetPolicy
from l2o.services.leads import log_touchpoint

__all__ = ["router"]

router = APIRouter(responses=PROBLEM_RESPONSES, tags=["webhooks"])


class TouchpointData(BaseModel):
    """A touchpoint another system saw (a form fill, a meeting booked...)."""

    lead_id: str = Field(min_length=1, max_length=64)
    touch_type: str = Field(min_length=1, max_length=100)
    at: datetime
    channel: str | None = Field(default=None, max_length=100)
    campaign_id: str | None = Field(default=None, max_length=36)


class UsageData(BaseModel):
    """A usage reading from the product."""

    account_id: str = Field(min_length=1, max_length=64)
    metric: str = Field(min_length=1, max_length=100)
    quantity: Decimal = Field(ge=0, le=Decimal("1e12"))
    occurred_at: datetime
    licensed_seats: int | None = Field(default=None, ge=0)


class InboundEvent(BaseModel):
    """The signed body: an event type and its data."""

    type: Literal["touchpoint.logged", "usage.recorded"]
    data: dict[str, Any]


@router.post("/webhooks/inbound")
async def inbound(
    request: Request,
    ctx: Context,
    webhook_id: Annotated[str, Header(alias="webhook-id", min_length=1, max_length=255)],
    webhook_timestamp: Annotated[str, Header(alias="webhook-timestamp", max_length=20)],
    webhook_signature: Annotated[str, Header(alias="webhook-signature", max_length=2000)],
) -> InboundReceipt:
    """Receive a signed touchpoint or usage event; a repeated ``webhook-id`` is applied once."""
    secret = ctx.settings.inbound_webhook_secret
    if not secret:
        raise ProblemError(
            503,
            "Inbound webhooks are off",
            "set L2O_INBOUND_WEBHOOK_SECRET to receive webhooks",
            rule="webhook.secret",
        )
    body = await request.body()
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": webhook_timestamp,
        "webhook-signature": webhook_signature,
    }
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError as exc:
        raise ProblemError(
            401,
            "Bad signature",
            f"the webhook signature does not verify: {exc}",
            rule="webhook.signature",
        ) from exc
    try:
        event = InboundEvent.model_validate_json(body)
        data: BaseModel = (TouchpointData if event.type == "touchpoint.logged" else UsageData)(
            **event.data
        )
    except ValidationError as exc:
        raise ProblemError(
            422, "Invalid event", str(exc).splitlines()[0], rule="webhook.payload"
        ) from exc
    fingerprint = hashlib.sha256(body).hexdigest()
    if not claim_key(ctx.engine, "webhook", webhook_id, fingerprint, "POST", "/webhooks/inbound"):
        return InboundReceipt(id=webhook_id, type=event.type, duplicate=True)
    try:
        system = ctx.system()
        if isinstance(data, TouchpointData):
            outcome = log_touchpoint(
                system,
                d.LogTouchpoint(
                    lead_id=data.lead_id,
                    touch_type=data.touch_type,
                    at=data.at,
                    channel=data.channel,
                    campaign_id=data.campaign_id,
                    details={"webhook_id": webhook_id},
                ),
            )
            result: dict[str, Any] = dict(outcome.to_json())
        else:
            assert isinstance(data, UsageData)
            health = record_usage(
                system,
                data.account_id,
                metric=data.metric,
                quantity=data.quantity,
                occurred_at=data.occurred_at,
                licensed_seats=data.licensed_seats,
                source_id=webhook_id,
            )
            result = dict(health.to_json())
    except BaseException:
        release_key(ctx.engine, "webhook", webhook_id)
        raise
    complete_key(ctx.engine, "webhook", webhook_id, 200, {}, b"")
    return InboundReceipt(id=webhook_id, type=event.type, duplicate=False, result=result)


class WebhookCreate(BaseModel):
    """A receiver to send events to."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
    url: str = Field(min_length=1, max_length=2000)
    events: list[str] = Field(min_length=1, max_length=100)


@router.post("/webhooks/endpoints", status_code=201, dependencies=[requires("user:admin")])
def create_webhook(
    body: WebhookCreate,
    ctx: Context,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> CreatedWebhook:
    """Register a receiver; private, loopback and cloud-metadata targets are refused."""
    policy = TargetPolicy(allow_private=ctx.settings.allow_private_webhooks)
    subscription_id, secret = register_webhook(
        ctx.engine,
        name=body.name,
        url=body.url,
        events=tuple(body.events),
        created_by=principal.user_id,
        policy=policy,
    )
    return CreatedWebhook(
        id=subscription_id, name=body.name, url=body.url, events=body.events, secret=secret
    )


@router.get("/webhooks/endpoints", dependencies=[requires("user:admin")])
def webhooks(ctx: Context) -> list[WebhookEndpoint]:
    """The registered receivers (without their secrets)."""
    return [
        WebhookEndpoint(
            id=w.id,
            name=w.name,
            url=w.url,
            events=list(w.events),
            enabled=w.enabled,
            created_at=w.created_at,
        )
        for w in list_webhooks(ctx.engine)
    ]
