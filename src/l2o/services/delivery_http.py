"""Posting one webhook: sign it per Standard Webhooks, send it, say how it went.

Headers (https://www.standardwebhooks.com): ``webhook-id`` (the event's id, the same on every
retry so receivers can drop repeats), ``webhook-timestamp`` (Unix seconds when sent) and
``webhook-signature`` (``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``). A receiver checks
them with ``standardwebhooks.Webhook(secret).verify(body, headers)``.

A 2xx answer is a delivery. Anything else - another status, a timeout, a refused connection -
is a failed attempt to retry; a refused target (see ``delivery_targets``) is final.
Redirects are followed only when they keep the POST (307, 308), at most
``max_redirects`` times, each hop checked like the first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from standardwebhooks import Webhook

from l2o.__about__ import __version__
from l2o.domain import utc_now
from l2o.services.delivery_config import DeliveryConfig
from l2o.services.delivery_targets import (
    GuardedTransport,
    Resolver,
    TargetPolicy,
    TargetRefused,
    check_scheme,
    system_resolver,
)

__all__ = ["SendResult", "WebhookSender", "signed_headers"]

_KEEPS_METHOD = (307, 308)
_CHANGES_METHOD = (301, 302, 303)
_ERROR_BODY_BYTES = 300


@dataclass(frozen=True, slots=True)
class SendResult:
    """How one attempt went: delivered, or why not; ``final`` failures are not retried."""

    delivered: bool
    status_code: int | None = None
    error: str | None = None
    final: bool = False
    url: str | None = None


def signed_headers(secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers for ``body`` sent at ``at``.

    >>> headers = signed_headers("whsec_" + "A" * 32, "msg_1", "{}", utc_now())
    >>> sorted(headers)
    ['webhook-id', 'webhook-signature', 'webhook-timestamp']
    """
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


class WebhookSender:
    """Sends signed webhooks through a transport that enforces the target policy.

    ``transport`` replaces the guarded one (tests pass ``httpx.MockTransport``);
    ``signing_clock`` is the wall clock the timestamp header is read from - receivers reject
    a timestamp more than a few minutes off, so it stays real even when tests move time.
    """

    def __init__(
        self,
        config: DeliveryConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = system_resolver,
        signing_clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.config = config
        self.policy = TargetPolicy(config.allow_private, config.allowed_networks)
        self._signing_clock = signing_clock
        self._client = httpx.Client(
            transport=transport or GuardedTransport(self.policy, resolver=resolver),
            timeout=config.timeout_seconds,
            follow_redirects=False,
            trust_env=False,
            headers={"user-agent": f"l2o-webhooks/{__version__}"},
        )

    def close(self) -> None:
        """Close the connections kept open."""
        self._client.close()

    def __enter__(self) -> WebhookSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def send(self, url: str, secret: str, message_id: str, body: dict[str, Any]) -> SendResult:
        """Post ``body`` to ``url`` signed with ``secret``; never raises for a failed attempt."""
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        headers = {
            "content-type": "application/json",
            **signed_headers(secret, message_id, text, self._signing_clock()),
        }
        target = url
        try:
            for _hop in range(self.config.max_redirects + 1):
                check_scheme(target)
                with self._client.stream(
                    "POST", target, content=text.encode(), headers=headers
                ) as response:
                    outcome = self._judge(target, response)
                if not isinstance(outcome, str):
                    return outcome
                target = outcome
            return SendResult(
                False,
                error=f"more than {self.config.max_redirects} redirects from {url}",
                url=target,
            )
        except TargetRefused as exc:
            return SendResult(False, error=f"refused target: {exc}", final=True, url=target)
        except httpx.TimeoutException:
            return SendResult(
                False, error=f"timed out after {self.config.timeout_seconds:g}s", url=target
            )
        except httpx.HTTPError as exc:
            return SendResult(False, error=f"{type(exc).__name__}: {exc}", url=target)

    def _judge(self, url: str, response: httpx.Response) -> SendResult | str:
        """A result, or the URL to follow a method-keeping redirect to."""
        status = response.status_code
        if 200 <= status < 300:
            return SendResult(True, status, url=url)
        location = response.headers.get("location")
        if status in _KEEPS_METHOD and location:
            return str(response.url.join(location))
        if status in _CHANGES_METHOD:
            return SendResult(
                False,
                status,
                error=f"HTTP {status} redirect to {location} would turn the POST into a GET; "
                "point the endpoint at the new URL",
                url=url,
            )
        return SendResult(False, status, error=f"HTTP {status}: {_snippet(response)}", url=url)


def _snippet(response: httpx.Response) -> str:
    """The start of an error answer, for the message's ``last_error``."""
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= _ERROR_BODY_BYTES:
            break
    text = data[:_ERROR_BODY_BYTES].decode("utf-8", errors="replace")
    return " ".join(text.split()) or response.reason_phrase
