"""Where a webhook may go: public http(s) addresses only, unless configuration allows more.

A webhook URL is data someone typed, so the worker must not become a way into the network it
runs in (server-side request forgery). :class:`TargetPolicy` refuses loopback, private,
link-local, multicast, reserved, unspecified and cloud-metadata addresses, IPv4 and IPv6
alike, including IPv4 addresses wrapped in IPv6 (``::ffff:127.0.0.1``, 6to4, Teredo,
NAT64). The check runs on the addresses the host name *resolves to*, at connection time, and
the connection goes to the address that was checked - so a name that resolves to a public
address when checked and to a private one when used (DNS rebinding) cannot get through, and
neither can a redirect.

    >>> policy = TargetPolicy()
    >>> policy.refusal(ipaddress.ip_address("169.254.169.254"))
    'cloud metadata address'
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from l2o.errors import L2OError

__all__ = [
    "GuardedTransport",
    "Resolver",
    "TargetPolicy",
    "TargetRefused",
    "check_scheme",
    "system_resolver",
]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

_METADATA_NETWORKS: tuple[IpNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "169.254.169.254/32",  # AWS, GCP, Azure, OpenStack...
        "169.254.170.2/32",  # AWS ECS task metadata
        "100.100.100.200/32",  # Alibaba Cloud
        "168.63.129.16/32",  # Azure wire server
        "fd00:ec2::254/128",  # AWS over IPv6
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class TargetRefused(L2OError):
    """A webhook target the policy refuses: its scheme, or an address its host resolves to."""


def check_scheme(url: str) -> None:
    """Refuse anything but ``http://`` and ``https://`` URLs with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise TargetRefused(f"{url!r}: scheme {parts.scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise TargetRefused(f"{url!r}: no host")


@dataclass(frozen=True)
class TargetPolicy:
    """Which addresses a webhook may connect to.

    ``allow_private`` lets non-public addresses through (development against a local
    receiver), metadata addresses excepted; ``allowed_networks`` lets through exactly the
    networks listed, metadata included if listed.
    """

    allow_private: bool = False
    allowed_networks: tuple[IpNetwork, ...] = ()

    def refusal(self, address: IpAddress) -> str | None:
        """Why ``address`` is refused, or ``None`` when it may be used."""
        if any(address in network for network in self.allowed_networks):
            return None
        for candidate in _with_embedded_ipv4(address):
            if any(candidate in network for network in _METADATA_NETWORKS):
                return "cloud metadata address"
        if self.allow_private:
            return None
        for candidate in _with_embedded_ipv4(address):
            reason = _non_public(candidate)
            if reason is not None:
                return reason
        return None

    def check_addresses(self, host: str, addresses: Iterable[str]) -> list[str]:
        """The addresses of ``host``, or ``TargetRefused`` if any of them is refused.

        All must pass: a name with one public and one private address is refused, since
        which one a connection uses is not ours to choose.
        """
        checked = []
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            reason = self.refusal(address)
            if reason is not None:
                shown = host if host == text else f"{host} ({text})"
                raise TargetRefused(
                    f"{shown}: {reason}; allow it in the endpoints file (allowed_networks) "
                    "if it is meant"
                )
            checked.append(text)
        if not checked:
            raise TargetRefused(f"{host}: resolves to no address")
        return checked


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, for TCP (``socket.getaddrinfo``)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks every address, then connects to a checked one (never re-resolves)."""

    def __init__(self, policy: TargetPolicy, resolver: Resolver) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._policy.check_addresses(host, self._resolver(host, port))
        error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise TargetRefused("webhooks are not sent over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose every connection passes :class:`TargetPolicy` first.

    Proxies from the environment are ignored (a proxy would connect on our behalf,
    unchecked). TLS still verifies the certificate against the host name in the URL.
    """

    def __init__(
        self,
        policy: TargetPolicy,
        *,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=10,
            max_keepalive_connections=5,
            network_backend=_GuardedBackend(policy, resolver),
        )


def _with_embedded_ipv4(address: IpAddress) -> list[IpAddress]:
    """``address`` and any IPv4 address carried inside an IPv6 one.

    An IPv4-mapped address (``::ffff:a.b.c.d``) is judged by its IPv4 address alone: some
    Python versions call every mapped address private.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    found: list[IpAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
        if address in _NAT64:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _non_public(address: IpAddress) -> str | None:
    checks = (
        ("unspecified address", address.is_unspecified),
        ("loopback address", address.is_loopback),
        ("link-local address", address.is_link_local),
        ("multicast address", address.is_multicast),
        ("private address", address.is_private),
        ("reserved address", address.is_reserved),
    )
    for reason, hit in checks:
        if hit:
            return reason
    if not address.is_global:
        return "address that is not publicly routable"
    return None
