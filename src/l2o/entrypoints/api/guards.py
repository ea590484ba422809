"""Request guards applied before any route: no NUL characters, a body size limit and
``Idempotency-Key``.

**NUL**: a path or query holding a NUL character (``%00``) is refused (422, rule
``request.nul``): PostgreSQL cannot store one in text, and no filter or id holds one.

**Size**: a body over the limit (``Content-Length`` or counted while it streams) is refused
with 413 before a route reads it; uploads to ``/imports`` have their own, larger limit.

**Idempotency** (IETF ``Idempotency-Key`` header, on every POST): the first request with a
key is answered and its response stored (table ``idempotency_keys``); the same key with the
same method, path and body gets that stored response again, without running the command
twice; the same key with a different request is refused (422, rule ``idempotency.mismatch``);
while the first is still being answered, another with its key gets 409. Keys are kept per
token owner, so two clients cannot collide. A 5xx answer is not stored: a retry may succeed.
A request with a new key costs two writes besides its own: claiming the key (which reads
what the key holds only when it is taken) and storing the response; the keys of requests
arriving together are settled in one transaction (``KeyLedger``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from l2o.services.access_idempotency import KeyClaim, KeyCompletion, KeyRelease

__all__ = ["RequestGuards"]

_PROBLEM = b"application/problem+json"


class RequestGuards:
    """ASGI middleware: the body size limit, then idempotent POSTs."""

    def __init__(self, app: ASGIApp, *, context: Any) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            await _problem(
                send,
                422,
                "NUL character",
                "the path or query holds a NUL character, which no text field can store",
                "request.nul",
            )
            return
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        settings = self.context.settings
        # Mounted under a prefix (``/api``), the path still starts with it: strip it.
        path = str(scope["path"]).removeprefix(scope.get("root_path", ""))
        limit = (
            settings.max_upload_bytes if path.startswith("/imports") else settings.max_body_bytes
        )
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _problem(
                send,
                413,
                "Request too large",
                f"the body is {declared} bytes; the limit here is {limit}",
                "request.size",
            )
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            if len(body) > limit:
                await _problem(
                    send,
                    413,
                    "Request too large",
                    f"the body is over the limit of {limit} bytes",
                    "request.size",
                )
                return
            if not message.get("more_body", False):
                break
        replay = _replayer(bytes(body))
        key = headers.get("idempotency-key")
        if scope["method"] != "POST" or not key:
            await self.app(scope, replay, send)
            return
        await self._idempotent(scope, replay, send, key, headers, bytes(body))

    async def _idempotent(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: str,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        ledger = self.context.keys
        if len(key) > 255:
            await _problem(
                send,
                422,
                "Invalid Idempotency-Key",
                "keys are at most 255 characters",
                "idempotency.key",
            )
            return
        owner = await _owner_of(self.context.principals, headers)
        if owner is None:  # unauthenticated: the route answers 401 and nothing is kept
            await self.app(scope, receive, send)
            return
        path = scope["path"] + (
            "?" + scope["query_string"].decode() if scope["query_string"] else ""
        )
        fingerprint = hashlib.sha256(
            b"\n".join([scope["method"].encode(), path.encode(), body])
        ).hexdigest()
        stored = await ledger.settle(KeyClaim(owner, key, fingerprint, scope["method"], path))
        if stored is not None:
            if stored.fingerprint != fingerprint:
                await _problem(
                    send,
                    422,
                    "Idempotency-Key reused",
                    f"key {key!r} was used for a different request "
                    f"({stored.method} {stored.path}); use a new key",
                    "idempotency.mismatch",
                )
            elif stored.in_progress:
                await _problem(
                    send,
                    409,
                    "Request in progress",
                    f"a request with key {key!r} is still being answered",
                    "idempotency.in_progress",
                )
            else:
                await _replay_response(send, stored.status_code or 200, stored.headers, stored.body)
            return
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured["body"].extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await ledger.settle(KeyRelease(owner, key))
            raise
        status = int(captured["status"])
        if status >= 500 or status == 401:
            await ledger.settle(KeyRelease(owner, key))
            return
        kept = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in captured["headers"]
            if k.lower() in (b"content-type", b"location")
        }
        await ledger.settle(KeyCompletion(owner, key, status, kept, bytes(captured["body"])))


async def _owner_of(principals: Any, headers: dict[str, str]) -> str | None:
    auth = headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    principal = await principals.authenticate(token.strip())
    return principal.user_id if principal else None


def _has_nul(scope: Scope) -> bool:
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope["path"] or b"\x00" in query or b"%00" in query.lower()


def _replayer(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _replay_response(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw += [
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _problem(send: Send, status: int, title: str, detail: str, rule: str) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, "rule": rule}
    ).encode()
    await _replay_response(send, status, {"content-type": _PROBLEM.decode()}, body)
