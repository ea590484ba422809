"""Who a token belongs to, remembered for a few seconds: one lookup per token, not per request.

::

    principals = KnownPrincipals(engine, ttl=5.0)
    principal = principals.cached(token) or await principals.authenticate(token)

:func:`l2o.services.access.authenticate` reads the token's digest and its user (two
queries) on every call; at hundreds of requests a second from the same client that is most
of a request's store work. A principal found is kept, under the token's SHA-256 digest (the
plain token is not kept), for ``ttl`` seconds: a token revoked, a user deactivated or given
another role is refused or changed within that time, not at once. Unknown tokens are never
kept, so guessing cannot fill the memory; at most ``max_entries`` are kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import anyio
from sqlalchemy.engine import Engine

from l2o.services.access import Principal, authenticate, token_digest

__all__ = ["KnownPrincipals"]


class KnownPrincipals:
    """The principals of recently seen tokens, each kept ``ttl`` seconds."""

    def __init__(
        self,
        engine: Engine,
        *,
        ttl: float = 5.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._known: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> Principal | None:
        """The principal kept for ``token`` if it is still fresh, else ``None``."""
        if self.ttl <= 0:
            return None
        entry = self._known.get(token_digest(token))
        if entry is None or entry[0] < self.clock():
            return None
        return entry[1]

    def lookup(self, token: str) -> Principal | None:
        """``token``'s principal: kept, else read from the store (and kept)."""
        principal = self.cached(token)
        if principal is not None:
            return principal
        principal = authenticate(self.engine, token)
        if principal is not None and self.ttl > 0:
            with self._lock:
                if len(self._known) >= self.max_entries:
                    self._known.clear()
                self._known[token_digest(token)] = (self.clock() + self.ttl, principal)
        return principal

    async def authenticate(self, token: str) -> Principal | None:
        """:meth:`lookup` without blocking the event loop (the store is read in a thread)."""
        principal = self.cached(token)
        if principal is not None:
            return principal
        return await anyio.to_thread.run_sync(self.lookup, token)
