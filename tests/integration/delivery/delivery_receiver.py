"""Delivery test support: a webhook receiver on 127.0.0.1, a movable clock, endpoint configs.

The receiver verifies signatures and records calls.

Bound to the loopback interface only, it answers at most ``max_requests`` requests and is
shut down by the fixture that started it. ``statuses`` scripts the answers (500, 500, 200...;
then 200 for ever); ``delay`` holds each answer back, to make two workers overlap.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from l2o.services.delivery_config import DeliveryConfig, WebhookEndpoint


@dataclass
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    verified: Any | None
    error: str | None


@dataclass
class Receiver:
    """The running receiver: its URL, the secret it verifies with, what it received."""

    secret: str
    url: str = ""
    statuses: list[int] = field(default_factory=list)
    redirects: dict[str, tuple[int, str]] = field(default_factory=dict)
    delay: float = 0.0
    max_requests: int = 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self) -> list[str]:
        """The ``webhook-id`` of every request, in order of arrival."""
        return [r.headers.get("webhook-id", "") for r in self.received]

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            verified, error = None, None
            try:
                verified = Webhook(receiver.secret).verify(body, headers)
            except WebhookVerificationError as exc:
                error = str(exc)
            with receiver.lock:
                if len(receiver.received) >= receiver.max_requests:
                    self.send_error(429)
                    return
                receiver.received.append(Received(self.path, headers, body, verified, error))
            if receiver.delay:
                time.sleep(receiver.delay)
            if self.path in receiver.redirects:
                status, location = receiver.redirects[self.path]
                self.send_response(status)
                self.send_header("location", location)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            status = receiver.next_status() if error is None else 401
            payload = b"ok" if status < 300 else b"receiver says no"
            self.send_response(status)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_receiver(secret: str, **options: Any) -> Iterator[Receiver]:
    """Start a receiver on 127.0.0.1 (a free port) in a thread; stop it on exit."""
    receiver = Receiver(secret=secret, **options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    server.timeout = 5
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


LOOPBACK_V4 = (ipaddress.ip_network("127.0.0.1/32"),)


def make_secret() -> str:
    """A fresh Standard Webhooks secret."""
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


class Clock:
    """The scheduling clock the tests move by hand: nothing sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def endpoint_config(receiver: Receiver, secret: str, **options: object) -> DeliveryConfig:
    """One endpoint ``hooks`` at the receiver, for every event, loopback allowed by network."""
    endpoint = WebhookEndpoint(
        name="hooks", url=f"{receiver.url}/hooks", secret=secret, events=("*",)
    )
    settings: dict[str, object] = {
        "endpoints": (endpoint,),
        "allowed_networks": LOOPBACK_V4,
        "timeout_seconds": 5,
    }
    settings.update(options)
    return DeliveryConfig.model_validate(settings)
