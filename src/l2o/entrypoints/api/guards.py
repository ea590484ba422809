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
arriving together are settled in one transaction (``KeyLedger``). ``POST /leads`` claims its
key in its lead's write group (``KeyHold``, read by the route from the request's state), so
the request waits for one group, not two, and its answer is stored with a later group's
claims; refused before it got there (a token without the permission, a body that does not
validate), the key is claimed afterwards, with the refusal as its answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from l2o.entrypoints.api.key_ledger import KeyHold, KeyTaken
from l2o.services.access_idempotency import KeyClaim, KeyCompletion, KeyRelease
from l2o.store.access import StoredResponse

__all__ = ["KEY_HOLD", "RequestGuards"]

_PROBLEM = b"application/problem+json"
#: Where a route that claims its key in its own write group finds the claim: the request's
#: state (``request.state.idempotency_key_hold``).
KEY_HOLD = "idempotency_key_hold"
#: The routes that do: (method, path under the API's root).
_CLAIMED_WITH_THE_WRITE = frozenset({("POST", "/leads")})


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
        claim = KeyClaim(owner, key, fingerprint, scope["method"], path)
        route = (scope["method"], str(scope["path"]).removeprefix(scope.get("root_path", "")))
        hold = KeyHold(claim) if route in _CLAIMED_WITH_THE_WRITE else None
        if hold is not None:
            scope.setdefault("state", {})[KEY_HOLD] = hold
        else:
            stored = await ledger.settle(claim)
            if stored is not None:
                await _answer_taken(send, key, fingerprint, stored)
                return
        captured: dict[str, Any] = {"status": 500, "headers": [], "body": bytearray()}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured["body"].extend(message.get("body", b""))
            await send(message)

        # A key the route's write group claimed is answered with that group's next one.
        settle = ledger.settle if hold is None else self.context.leads.settle_key
        try:
            await self.app(scope, receive, capture)
        except KeyTaken as taken:  # claimed in the route's write group, by another request
            await _answer_taken(send, key, fingerprint, taken.stored)
            return
        except BaseException:
            if hold is None or hold.claimed:
                await settle(KeyRelease(owner, key))
            raise
        status = int(captured["status"])
        if hold is not None and not hold.claimed:
            # Answered before the route's write group claimed the key: a refusal to keep
            # (claimed now), or a failure a retry may get past (nothing to keep).
            if status >= 500 or status == 401 or await ledger.settle(claim) is not None:
                return
            settle = ledger.settle
        elif status >= 500 or status == 401:
            await settle(KeyRelease(owner, key))
            return
        kept = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in captured["headers"]
            if k.lower() in (b"content-type", b"location")
        }
        await settle(KeyCompletion(owner, key, status, kept, bytes(captured["body"])))


async def _answer_taken(send: Send, key: str, fingerprint: str, stored: StoredResponse) -> None:
    """Answer a request whose key was claimed before: the stored response again, 409 while
    the first request is still being answered, 422 if the key was used for another one."""
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
