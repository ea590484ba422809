"""Outbound webhook receivers registered over the API, each URL checked before it is kept.

A URL someone types is where the worker will later connect, so it is checked here against
the same :class:`l2o.services.delivery_targets.TargetPolicy` the worker applies when it
sends: http(s) only, and every address the host resolves to public (no loopback, private,
link-local or cloud-metadata address). A refused target raises ``TargetRefused``.
"""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from l2o.errors import L2OError
from l2o.services.delivery_targets import (
    Resolver,
    TargetPolicy,
    TargetRefused,
    check_scheme,
    system_resolver,
)
from l2o.store.access import WebhookSubscriptionRow, WebhookSubscriptions

__all__ = ["list_webhooks", "register_webhook"]


def register_webhook(
    engine: Engine,
    *,
    name: str,
    url: str,
    events: tuple[str, ...],
    created_by: str | None,
    policy: TargetPolicy | None = None,
    resolver: Resolver = system_resolver,
) -> tuple[str, str]:
    """Register a receiver after checking its target; its id and its new signing secret.

    The secret (``whsec_`` + base64 of 32 random bytes) is returned once, for the receiver
    to verify signatures with.
    """
    check_scheme(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        addresses = resolver(host, port)
    except OSError as exc:
        raise TargetRefused(f"{url!r}: host {host!r} does not resolve: {exc}") from exc
    (policy or TargetPolicy()).check_addresses(host, addresses)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with engine.begin() as conn:
        subscriptions = WebhookSubscriptions(conn)
        if subscriptions.exists(name):
            raise L2OError(f"a webhook called {name!r} is already registered")
        subscription_id = subscriptions.add(
            name=name, url=url, events=events, secret=secret, created_by=created_by
        )
    return subscription_id, secret


def list_webhooks(engine: Engine) -> list[WebhookSubscriptionRow]:
    """Every registered receiver, oldest first (secrets not included)."""
    with engine.connect() as conn:
        return WebhookSubscriptions(conn).list()
