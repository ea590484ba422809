"""Signing and sending one webhook, through a mock transport (no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks import Webhook

from l2o.domain import OutboxMessage, OutboxStatus
from l2o.services.delivery import next_digest_at, record_failure
from l2o.services.delivery_config import DeliveryConfig
from l2o.services.delivery_http import WebhookSender, signed_headers

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_signed_headers_verify_with_the_standard_library() -> None:
    body = json.dumps({"type": "OpportunityClosed", "data": {"won": True}})
    headers = signed_headers(SECRET, "msg_1", body, datetime.now(UTC))
    assert Webhook(SECRET).verify(body, headers) == {
        "type": "OpportunityClosed",
        "data": {"won": True},
    }


def send_with(handler, **config: object):  # type: ignore[no-untyped-def]
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return handler(request)

    settings = DeliveryConfig.model_validate(config)
    with WebhookSender(settings, transport=httpx.MockTransport(record)) as sender:
        return sender.send("https://hooks.example.com/in", SECRET, "msg_1", {"type": "t"}), requests


def test_a_2xx_answer_is_a_delivery_and_the_request_is_signed() -> None:
    result, [request] = send_with(lambda r: httpx.Response(204))
    assert result.delivered
    assert result.status_code == 204
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("l2o-webhooks/")
    assert Webhook(SECRET).verify(request.content, dict(request.headers)) == {"type": "t"}


def test_an_error_answer_is_a_failed_attempt_with_the_start_of_its_body() -> None:
    result, _ = send_with(lambda r: httpx.Response(500, text="database\n  down " + "x" * 1000))
    assert not result.delivered
    assert not result.final
    assert result.error is not None
    assert result.error.startswith("HTTP 500: database down x")
    assert len(result.error) < 400


def test_a_timeout_is_a_failed_attempt() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    result, _ = send_with(hang, timeout_seconds=2)
    assert result.error == "timed out after 2s"
    assert not result.final


def test_a_redirect_that_would_turn_the_post_into_a_get_is_not_followed() -> None:
    result, requests = send_with(
        lambda r: httpx.Response(302, headers={"location": "https://hooks.example.com/new"})
    )
    assert len(requests) == 1
    assert not result.delivered
    assert "would turn the POST into a GET" in (result.error or "")


def test_redirects_are_followed_a_bounded_number_of_times() -> None:
    result, requests = send_with(
        lambda r: httpx.Response(307, headers={"location": "/again"}), max_redirects=2
    )
    assert len(requests) == 3
    assert result.error == "more than 2 redirects from https://hooks.example.com/in"


def test_failures_follow_the_schedule_then_die() -> None:
    config = DeliveryConfig(retry_schedule=("5s", "5m"))  # type: ignore[arg-type]
    message = OutboxMessage(event_type="WebhookDelivery")
    record_failure(message, "HTTP 500", T0, config.retry_delay(1))
    assert (message.attempts, message.next_attempt_at) == (1, T0 + timedelta(seconds=5))
    record_failure(message, "HTTP 500", T0, config.retry_delay(2))
    assert message.next_attempt_at == T0 + timedelta(minutes=5)
    record_failure(message, "HTTP 502", T0, config.retry_delay(3))
    assert (message.status, message.attempts, message.next_attempt_at) == (
        OutboxStatus.DEAD,
        3,
        None,
    )
    assert message.last_error == "HTTP 502"
    assert config.max_attempts == 3


def test_digest_periods_are_aligned() -> None:
    assert next_digest_at(T0 + timedelta(minutes=20), timedelta(hours=1)) == T0 + timedelta(hours=1)
    assert next_digest_at(T0, timedelta(hours=1)) == T0 + timedelta(hours=1)


@pytest.mark.parametrize("text", ["5s", "30m", "2h", "1d", "1.5h", 90])
def test_schedule_durations_parse(text: str | int) -> None:
    assert DeliveryConfig(retry_schedule=(text,)).retry_schedule[0] > timedelta(0)  # type: ignore[arg-type]
